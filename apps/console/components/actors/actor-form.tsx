'use client';
// Create or edit a source or destination: a form generated from the connector's spec, validated
// in the browser with the spec and by the API, then a connection test.
import { useEffect, useMemo, useRef, useState, useTransition, type FormEvent } from 'react';
import { useRouter } from 'next/navigation';
import type { Actor, CheckResult, ConnectorDefinitionDetail, ConnectorKind } from '../../lib/api/api-types';
import { saveActorAction, testActorAction } from '../../lib/actions/actor.actions';
import { initialConfig, issuesByField, objectFields, setAt, validateConfig, type JsonValue, type Path } from '../../lib/spec-form/spec-form.model';
import { SpecFields } from '../spec-form/spec-form-fields';

type TestState = { status: 'idle' } | { status: 'testing' } | { status: 'done'; result: CheckResult; afterSave: boolean };

/** `testOnOpen`: the actor was just created; test it now (its page is where the result stays). */
export function ActorForm({ kind, definition, actor, testOnOpen }: { kind: ConnectorKind; definition: ConnectorDefinitionDetail; actor?: Actor; testOnOpen?: boolean }) {
  const router = useRouter();
  const collection = kind === 'source' ? 'sources' : 'destinations';
  const spec = definition.spec.connectionSpecification;
  const fields = useMemo(() => objectFields(spec), [spec]);
  const id = actor?.id;
  const [name, setName] = useState(actor?.name ?? definition.name);
  const [config, setConfig] = useState<Record<string, unknown>>(() => actor?.config ?? initialConfig(spec));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [nameError, setNameError] = useState<string>();
  const [submitted, setSubmitted] = useState(false);
  const [formError, setFormError] = useState<string>();
  const [test, setTest] = useState<TestState>({ status: 'idle' });
  const [saving, startSaving] = useTransition();

  const onChange = (path: Path, next: JsonValue) => {
    const updated = setAt(config, path, next) as Record<string, unknown>;
    setConfig(updated);
    if (submitted) setErrors(validateConfig(spec, updated));
    setTest({ status: 'idle' });
  };

  const runTest = async (actorId: string, afterSave: boolean): Promise<void> => {
    setTest({ status: 'testing' });
    const result = await testActorAction(kind, actorId);
    if (!result.ok) {
      setTest({ status: 'idle' });
      setFormError(result.message);
      return;
    }
    setTest({ status: 'done', result: result.value, afterSave });
  };

  const testedOnOpen = useRef(false);
  useEffect(() => {
    if (!testOnOpen || !actor || testedOnOpen.current) return;
    testedOnOpen.current = true;
    window.history.replaceState(null, '', `/${collection}/${actor.id}`);
    void runTest(actor.id, true);
  }, []);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    setFormError(undefined);
    const clientErrors = validateConfig(spec, config);
    const missingName = name.trim() ? undefined : 'is required';
    setErrors(clientErrors);
    setNameError(missingName);
    if (Object.keys(clientErrors).length || missingName) {
      setFormError('Some fields need attention.');
      return;
    }
    startSaving(async () => {
      const saved = await saveActorAction(kind, { id, name: name.trim(), definitionId: definition.id, config });
      if (!saved.ok) {
        setErrors(issuesByField(saved.issues));
        setNameError(saved.issues.find((i) => i.field === 'name')?.message);
        setFormError(saved.message);
        return;
      }
      // A new actor continues on its own page, which tests it; an edited one is tested here.
      if (!id) return router.replace(`/${collection}/${saved.value.id}?test=1`);
      setConfig(saved.value.config);
      await runTest(saved.value.id, true);
    });
  };

  const busy = saving || test.status === 'testing';
  return (
    <form onSubmit={submit} noValidate aria-label={`${kind === 'source' ? 'Source' : 'Destination'} settings`}>
      {formError ? (
        <div className="alert bad" role="alert">
          <p>{formError}</p>
        </div>
      ) : null}
      <div className="card">
        <div className="field">
          <label htmlFor="actor-name">
            Name<span className="required" aria-hidden="true">*</span>
          </label>
          <input
            id="actor-name"
            type="text"
            value={name}
            maxLength={200}
            onChange={(e) => setName(e.target.value)}
            aria-invalid={nameError ? true : undefined}
            aria-describedby={nameError ? 'actor-name-error' : 'actor-name-help'}
          />
          <p className="help" id="actor-name-help">
            How this {kind} is shown in the console.
          </p>
          {nameError ? (
            <p className="error" id="actor-name-error" role="alert">
              {nameError}
            </p>
          ) : null}
        </div>
        <SpecFields fields={fields} value={config} path={[]} errors={errors} onChange={onChange} />
      </div>
      <TestResult state={test} />
      <div className="row">
        <button className="button primary" type="submit" disabled={busy}>
          {saving ? 'Saving…' : id ? 'Save and test' : `Create and test`}
        </button>
        {id ? (
          <button className="button" type="button" disabled={busy} onClick={() => void runTest(id, false)}>
            {test.status === 'testing' ? 'Testing…' : 'Test connection'}
          </button>
        ) : null}
      </div>
    </form>
  );
}

function TestResult({ state }: { state: TestState }) {
  if (state.status === 'testing') {
    return (
      <div className="alert info" role="status" aria-live="polite">
        <p>Testing the connection…</p>
      </div>
    );
  }
  if (state.status !== 'done') return null;
  return state.result.status === 'succeeded' ? (
    <div className="alert ok" role="status" aria-live="polite">
      <p>{state.afterSave ? 'Saved. The connection test succeeded.' : 'The connection test succeeded.'}</p>
    </div>
  ) : (
    <div className="alert bad" role="alert" data-testid="check-failure">
      <p>
        <strong>{state.afterSave ? 'Saved, but the connection test failed.' : 'The connection test failed.'}</strong> {state.result.message ?? 'The connector gave no reason.'}
      </p>
    </div>
  );
}
