'use client';
// The Connector Builder: write a manifest (YAML, checked as you type), fill the config its spec
// declares, test-read one stream on a worker, then publish it as a custom source definition.
// A new manifest is kept as a draft in this browser (localStorage) so a reload does not lose it;
// a published one lives at /builder/<id> and is loaded from the API.
import Link from 'next/link';
import { useDeferredValue, useEffect, useMemo, useRef, useState, useTransition } from 'react';
import { useRouter } from 'next/navigation';
import type { JsonSchema } from '../../lib/api/api-types';
import { publishManifestAction, testStreamAction } from '../../lib/actions/builder.actions';
import {
  apiManifestProblems,
  connectionSpecification,
  parseManifestDocument,
  schemaProblems,
  sortProblems,
  streamNames,
  type ManifestProblem,
} from '../../lib/connector-builder/manifest-document';
import { NEW_MANIFEST_TEMPLATE } from '../../lib/connector-builder/manifest-template';
import type { DeclarativeDefinition, StreamTestResult } from '../../lib/declarative-definitions';
import { initialConfig, issuesByField, objectFields, setAt, validateConfig, type JsonValue, type Path } from '../../lib/spec-form/spec-form.model';
import { SpecFields } from '../spec-form/spec-form-fields';
import { ManifestProblems } from './manifest-problems';
import { StreamTestResultView } from './stream-test-result';
import { YamlEditor, type YamlEditorHandle } from './yaml-editor';

const DRAFT_KEY = 'tributary.builder.draft';

type TestState =
  | { status: 'idle' }
  | { status: 'running'; fromState: boolean }
  | { status: 'done'; result: StreamTestResult; fromState: boolean }
  | { status: 'failed'; message: string };

type PublishState = { status: 'idle' } | { status: 'publishing' } | { status: 'published'; definition: DeclarativeDefinition; created: boolean } | { status: 'failed'; message: string };

interface ConnectorBuilderProps {
  /** The published definition being edited; absent for a new connector. */
  definition?: DeclarativeDefinition;
  /** The manifest JSON Schema; absent when the API could not serve it (the API still validates). */
  manifestSchema?: JsonSchema;
  /** Just published (the page was opened right after creating the definition). */
  justPublished?: boolean;
}

function clampInt(raw: string, min: number, max: number, fallback: number): number {
  const n = Number.parseInt(raw, 10);
  return Number.isFinite(n) ? Math.min(max, Math.max(min, n)) : fallback;
}

export function ConnectorBuilder({ definition, manifestSchema, justPublished }: ConnectorBuilderProps) {
  const router = useRouter();
  const editor = useRef<YamlEditorHandle>(null);
  const [text, setText] = useState(definition?.manifestYaml ?? NEW_MANIFEST_TEMPLATE);
  const deferredText = useDeferredValue(text);
  const [draftLoaded, setDraftLoaded] = useState(Boolean(definition));
  const [apiIssues, setApiIssues] = useState<{ forText: string; issues: { field: string; message: string }[] }>({ forText: '', issues: [] });
  const [config, setConfig] = useState<Record<string, unknown>>({});
  const [configErrors, setConfigErrors] = useState<Record<string, string>>({});
  const [stream, setStream] = useState('');
  const [maxPages, setMaxPages] = useState(3);
  const [maxRecords, setMaxRecords] = useState(100);
  const [test, setTest] = useState<TestState>({ status: 'idle' });
  const [publish, setPublish] = useState<PublishState>(justPublished && definition ? { status: 'published', definition, created: true } : { status: 'idle' });
  const [, startTransition] = useTransition();

  // A new manifest: restore the draft of this browser once mounted (not during render, so the
  // server's HTML and the first client render agree), then keep saving it.
  useEffect(() => {
    if (definition) return;
    const draft = window.localStorage.getItem(DRAFT_KEY);
    if (draft !== null) setText(draft);
    setDraftLoaded(true);
  }, [definition]);
  // "Published" is said once: a reload of /builder/<id> opens the editor without it.
  useEffect(() => {
    if (justPublished && definition) window.history.replaceState(null, '', `/builder/${encodeURIComponent(definition.id)}`);
  }, [justPublished, definition]);
  useEffect(() => {
    if (!definition && draftLoaded) window.localStorage.setItem(DRAFT_KEY, text);
  }, [definition, draftLoaded, text]);

  const document = useMemo(() => parseManifestDocument(deferredText), [deferredText]);
  const manifest = document.manifest;
  const streams = useMemo(() => streamNames(manifest), [manifest]);
  const specJson = JSON.stringify(connectionSpecification(manifest) ?? null);
  const spec = useMemo(() => JSON.parse(specJson) as JsonSchema | null, [specJson]);
  const fields = useMemo(() => (spec ? objectFields(spec) : []), [spec]);

  const problems = useMemo(() => {
    const fromApi = apiIssues.forText === deferredText ? apiManifestProblems(document, apiIssues.issues) : [];
    return sortProblems([...document.syntaxProblems, ...schemaProblems(document, manifestSchema), ...fromApi]);
  }, [document, manifestSchema, apiIssues, deferredText]);
  const problemLines = useMemo(() => new Set(problems.map((p: ManifestProblem) => p.line).filter((l): l is number => l !== undefined)), [problems]);

  // The config keeps what was typed when the spec changes, and gains the new spec's defaults.
  useEffect(() => {
    if (!spec) return;
    const known = new Set(Object.keys(spec.properties ?? {}));
    setConfig((previous) => ({ ...initialConfig(spec), ...Object.fromEntries(Object.entries(previous).filter(([key]) => known.has(key))) }));
  }, [spec]);
  useEffect(() => {
    if (!streams.includes(stream)) setStream(streams[0] ?? '');
  }, [streams, stream]);

  const onConfigChange = (path: Path, next: JsonValue) => {
    const updated = setAt(config, path, next) as Record<string, unknown>;
    setConfig(updated);
    if (Object.keys(configErrors).length && spec) setConfigErrors(validateConfig(spec, updated));
  };

  const runTest = (fromState: Record<string, unknown> | undefined) => {
    if (!manifest || !stream) return;
    const clientErrors = spec ? validateConfig(spec, config) : {};
    setConfigErrors(clientErrors);
    if (Object.keys(clientErrors).length) {
      setTest({ status: 'failed', message: 'The config needs attention before a test.' });
      return;
    }
    setTest({ status: 'running', fromState: Boolean(fromState) });
    const sentText = text;
    startTransition(async () => {
      const answer = await testStreamAction({ manifest: sentText, config, stream, maxPages, maxRecords, state: fromState });
      if (!answer.ok) {
        setApiIssues({ forText: sentText, issues: answer.issues });
        setConfigErrors(issuesByField(answer.issues));
        setTest({ status: 'failed', message: answer.message });
        return;
      }
      setApiIssues({ forText: sentText, issues: [] });
      setTest({ status: 'done', result: answer.value, fromState: Boolean(fromState) });
    });
  };

  const runPublish = () => {
    setPublish({ status: 'publishing' });
    const sentText = text;
    startTransition(async () => {
      const answer = await publishManifestAction({ id: definition?.id, manifest: sentText });
      if (!answer.ok) {
        setApiIssues({ forText: sentText, issues: answer.issues });
        setPublish({ status: 'failed', message: answer.message });
        return;
      }
      setApiIssues({ forText: sentText, issues: [] });
      if (!definition) {
        window.localStorage.removeItem(DRAFT_KEY);
        router.replace(`/builder/${encodeURIComponent(answer.value.id)}?published=1`);
        return;
      }
      setPublish({ status: 'published', definition: answer.value, created: false });
      router.refresh();
    });
  };

  const unusable = !manifest || document.syntaxProblems.length > 0;
  const testing = test.status === 'running';
  const publishing = publish.status === 'publishing';
  const lastState = test.status === 'done' ? test.result.state : null;

  return (
    <>
      <PublishStatus state={publish} />
      <div className="builder-grid">
        <section className="card" aria-labelledby="manifest-heading">
          <h2 id="manifest-heading">
            <label htmlFor="manifest-yaml">Manifest (YAML)</label>
          </h2>
          <p className="help">
            The format is described in <code>docs/connectors/declarative.md</code>; problems are listed below the editor as you type.
          </p>
          {!draftLoaded ? (
            <div className="skeleton" style={{ height: 420 }} aria-busy="true" aria-label="Loading the draft" />
          ) : (
            <YamlEditor ref={editor} id="manifest-yaml" value={text} onChange={setText} problemLines={problemLines} describedBy="manifest-problems" invalid={problems.length > 0} />
          )}
          {!manifestSchema ? <p className="help">The manifest schema could not be loaded: only YAML syntax is checked here; the API checks the rest on test and publish.</p> : null}
          <ManifestProblems id="manifest-problems" problems={problems} onGoToLine={(line) => editor.current?.focusLine(line)} />
        </section>

        <div className="stack">
          <section className="card" aria-labelledby="config-heading">
            <h2 id="config-heading">Test config</h2>
            <p className="help">Values for the manifest&apos;s <code>spec.connection_specification</code>. Used for tests only, never stored.</p>
            {unusable ? (
              <p className="muted">Fix the manifest to fill its config.</p>
            ) : fields.length ? (
              <form aria-label="Test config" onSubmit={(e) => e.preventDefault()} noValidate>
                <SpecFields fields={fields} value={config} path={[]} errors={configErrors} onChange={onConfigChange} />
              </form>
            ) : (
              <p className="muted">The manifest declares no config fields.</p>
            )}
          </section>

          <section className="card" aria-labelledby="test-heading">
            <h2 id="test-heading">Test a stream</h2>
            {streams.length === 0 ? (
              <p className="muted">{unusable ? 'Fix the manifest to pick a stream.' : 'The manifest declares no streams yet.'}</p>
            ) : (
              <div className="field">
                <label htmlFor="builder-stream">Stream</label>
                <select id="builder-stream" value={stream} onChange={(e) => setStream(e.target.value)}>
                  {streams.map((name) => (
                    <option key={name} value={name}>
                      {name}
                    </option>
                  ))}
                </select>
              </div>
            )}
            <div className="row">
              <div className="field inline">
                <label htmlFor="builder-max-pages">Pages</label>
                <input id="builder-max-pages" type="number" min={1} max={50} value={maxPages} onChange={(e) => setMaxPages(clampInt(e.target.value, 1, 50, 3))} style={{ width: 80 }} />
              </div>
              <div className="field inline">
                <label htmlFor="builder-max-records">Records shown</label>
                <input id="builder-max-records" type="number" min={1} max={1000} value={maxRecords} onChange={(e) => setMaxRecords(clampInt(e.target.value, 1, 1000, 100))} style={{ width: 90 }} />
              </div>
            </div>
            <div className="row">
              <button type="button" className="button primary" disabled={unusable || !stream || testing} onClick={() => runTest(undefined)}>
                {testing && test.status === 'running' && !test.fromState ? 'Testing…' : 'Test stream'}
              </button>
              {lastState ? (
                <button type="button" className="button" disabled={unusable || testing} onClick={() => runTest(lastState)}>
                  {testing ? 'Testing…' : 'Test next read from this state'}
                </button>
              ) : null}
            </div>
          </section>

          <section className="card" aria-labelledby="publish-heading">
            <h2 id="publish-heading">Publish</h2>
            <p className="help">
              {definition
                ? `Publishes a new version of ${definition.name} (now ${definition.version}); syncs use it from their next run.`
                : 'Saves the manifest as a custom source connector: it appears in the catalog and can be used to create sources.'}
            </p>
            <button type="button" className="button primary" disabled={unusable || publishing} onClick={runPublish}>
              {publishing ? 'Publishing…' : definition ? 'Publish new version' : 'Publish'}
            </button>
          </section>
        </div>
      </div>
      <TestStatus state={test} />
    </>
  );
}

function TestStatus({ state }: { state: TestState }) {
  if (state.status === 'idle') {
    return (
      <div className="empty">
        <h2>No test yet</h2>
        <p>Pick a stream and press “Test stream” to see its requests, records, schema and state.</p>
      </div>
    );
  }
  if (state.status === 'running') {
    return (
      <div className="alert info" role="status" aria-live="polite">
        <p>Reading the stream on a worker{state.fromState ? ', from the last state' : ''}…</p>
      </div>
    );
  }
  if (state.status === 'failed') {
    return (
      <div className="alert bad" role="alert" data-testid="test-failure">
        <p>
          <strong>The test could not run.</strong> {state.message}
        </p>
      </div>
    );
  }
  return (
    <>
      {state.fromState ? (
        <p className="help" role="status">
          Read from the state of the previous test: what the next incremental sync would fetch.
        </p>
      ) : null}
      <StreamTestResultView result={state.result} />
    </>
  );
}

function PublishStatus({ state }: { state: PublishState }) {
  if (state.status === 'failed') {
    return (
      <div className="alert bad" role="alert" data-testid="publish-failure">
        <p>
          <strong>Not published.</strong> {state.message}
        </p>
      </div>
    );
  }
  if (state.status !== 'published') return null;
  const { definition } = state;
  return (
    <div className="alert ok" role="status" aria-live="polite">
      <p>
        {state.created ? 'Published' : 'Published a new version of'} <strong>{definition.name}</strong> ({definition.id}, version {definition.version}).{' '}
        <Link href={`/catalog/${encodeURIComponent(definition.id)}`}>See it in the catalog</Link> ·{' '}
        <Link href={`/sources/new?definition=${encodeURIComponent(definition.id)}`}>Set up a source</Link>
      </p>
    </div>
  );
}
