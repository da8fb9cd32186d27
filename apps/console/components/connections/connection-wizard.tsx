'use client';
// New connection, step by step: source → destination → streams → schedule → schema changes →
// review. The source, destination and step live in the URL so that a reload keeps the place.
import { useEffect, useState, useTransition } from 'react';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import type { Actor, ConnectorDefinition, Schedule, SchemaChangePolicy } from '../../lib/api/api-types';
import { createConnectionAction, discoverStreamsAction } from '../../lib/actions/connection.actions';
import { describeSchedule, nextRuns } from '../../lib/schedule/schedule';
import { defaultRows, rowProblems, syncModeLabel, toStreamConfigs, type StreamRow } from '../../lib/streams/stream-choices';
import { ConnectorIcon } from '../catalog/connector-icon';
import { PolicyEditor } from './policy-editor';
import { ScheduleEditor } from './schedule-editor';
import { StreamsTable } from './streams-table';
import { WIZARD_STEPS, type WizardStep } from './wizard-steps';

const STEP_LABELS: Record<WizardStep, string> = { source: 'Source', destination: 'Destination', streams: 'Streams', schedule: 'Schedule', schema: 'Schema changes', review: 'Review' };

interface Props {
  sources: Actor[];
  destinations: Actor[];
  definitions: ConnectorDefinition[];
  initial: { sourceId?: string; destinationId?: string; step: WizardStep };
}

type Streams = { status: 'idle' } | { status: 'loading' } | { status: 'error'; message: string } | { status: 'ready'; rows: StreamRow[] };

export function ConnectionWizard({ sources, destinations, definitions, initial }: Props) {
  const router = useRouter();
  const iconOf = new Map(definitions.map((d) => [d.id, d]));
  const [sourceId, setSourceId] = useState(initial.sourceId ?? '');
  const [destinationId, setDestinationId] = useState(initial.destinationId ?? '');
  const firstStep: WizardStep = (initial.step === 'destination' || WIZARD_STEPS.indexOf(initial.step) > 1) && !sourceId ? 'source' : WIZARD_STEPS.indexOf(initial.step) > 1 && !destinationId ? 'destination' : initial.step;
  const [step, setStep] = useState<WizardStep>(firstStep);
  const [streams, setStreams] = useState<Streams>({ status: 'idle' });
  const [streamsTouched, setStreamsTouched] = useState(false);
  const [schedule, setSchedule] = useState<Schedule>({ type: 'manual', timezone: 'UTC' });
  const [policy, setPolicy] = useState<SchemaChangePolicy>({ nonBreaking: 'ignore', breaking: 'fail' });
  const [name, setName] = useState('');
  const [syncNow, setSyncNow] = useState(true);
  const [error, setError] = useState<string>();
  const [issues, setIssues] = useState<{ field: string; message: string }[]>([]);
  const [creating, startCreating] = useTransition();

  const source = sources.find((s) => s.id === sourceId);
  const destination = destinations.find((d) => d.id === destinationId);
  const defaultName = source && destination ? `${source.name} → ${destination.name}` : '';

  // Keep the URL in step with the wizard, without a navigation.
  useEffect(() => {
    const params = new URLSearchParams();
    if (sourceId) params.set('source', sourceId);
    if (destinationId) params.set('destination', destinationId);
    params.set('step', step);
    window.history.replaceState(null, '', `/connections/new?${params.toString()}`);
  }, [sourceId, destinationId, step]);

  // Discover the source's streams when they are first needed (or the source/destination changed).
  useEffect(() => {
    if (WIZARD_STEPS.indexOf(step) < 2 || !sourceId || !destinationId || streams.status !== 'idle') return;
    setStreams({ status: 'loading' });
    void discoverStreamsAction(sourceId, destinationId).then((result) => {
      setStreams(result.ok ? { status: 'ready', rows: defaultRows(result.value.catalog, result.value.destinationModes) } : { status: 'error', message: result.message });
    });
  }, [step, sourceId, destinationId, streams.status]);

  const rows = streams.status === 'ready' ? streams.rows : [];
  const streamsValid = streams.status === 'ready' && rows.some((r) => r.selected) && rows.every((r) => Object.keys(rowProblems(r)).length === 0);
  const scheduleValid = nextRuns(schedule).ok;
  const canLeave: Record<WizardStep, boolean> = { source: !!source, destination: !!destination, streams: streamsValid, schedule: scheduleValid, schema: true, review: true };

  const go = (target: WizardStep) => {
    setError(undefined);
    setStep(target);
  };
  const next = () => {
    if (step === 'streams') setStreamsTouched(true);
    if (!canLeave[step]) {
      setError(step === 'streams' ? (rows.some((r) => r.selected) ? 'Some streams need a cursor field or primary key.' : 'Select at least one stream.') : `Choose a ${step} to continue.`);
      return;
    }
    go(WIZARD_STEPS[WIZARD_STEPS.indexOf(step) + 1]!);
  };
  const back = () => go(WIZARD_STEPS[WIZARD_STEPS.indexOf(step) - 1]!);

  const create = () =>
    startCreating(async () => {
      setError(undefined);
      const result = await createConnectionAction(
        {
          name: (name.trim() || defaultName).slice(0, 200),
          sourceId,
          destinationId,
          streams: toStreamConfigs(rows),
          schedule,
          schemaChangePolicy: policy,
          namespaceDefinition: 'source',
          prefix: '',
        },
        syncNow,
      );
      if (!result.ok) {
        setError(result.message);
        setIssues(result.issues);
        return;
      }
      const { connection, job, jobError } = result.value;
      router.push(job ? `/connections/${connection.id}/jobs/${job.id}` : `/connections/${connection.id}${jobError ? `?notice=${encodeURIComponent(jobError)}` : ''}`);
    });

  const stepIndex = WIZARD_STEPS.indexOf(step);
  return (
    <div>
      <ol className="steps" aria-label="Steps">
        {WIZARD_STEPS.map((s, i) => (
          <li key={s} aria-current={s === step ? 'step' : undefined} className={i < stepIndex ? 'done' : undefined}>
            {i + 1}. {STEP_LABELS[s]}
          </li>
        ))}
      </ol>
      {error ? (
        <div className="alert bad" role="alert">
          <p>{error}</p>
          {issues.length ? (
            <ul>
              {issues.map((i) => (
                <li key={`${i.field}${i.message}`}>
                  <span className="mono">{i.field}</span>: {i.message}
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}

      <section className="card" aria-labelledby="step-heading">
        <h2 id="step-heading">{stepHeading(step)}</h2>
        {step === 'source' ? <ActorChoice kind="source" actors={sources} value={sourceId} iconOf={iconOf} onChange={(id) => { setSourceId(id); setStreams({ status: 'idle' }); }} /> : null}
        {step === 'destination' ? <ActorChoice kind="destination" actors={destinations} value={destinationId} iconOf={iconOf} onChange={(id) => { setDestinationId(id); setStreams({ status: 'idle' }); }} /> : null}
        {step === 'streams' ? (
          streams.status === 'ready' ? (
            <StreamsTable rows={streams.rows} onChange={(r) => setStreams({ status: 'ready', rows: r })} showProblems={streamsTouched} />
          ) : streams.status === 'error' ? (
            <div className="alert bad" role="alert">
              <p>Could not discover the streams of “{source?.name}”: {streams.message}</p>
              <button className="button" type="button" onClick={() => setStreams({ status: 'idle' })} style={{ marginTop: 8 }}>
                Try again
              </button>
            </div>
          ) : (
            <div role="status" aria-live="polite">
              <p className="muted">Discovering the streams of “{source?.name}”…</p>
              <div className="progress">
                <span />
              </div>
            </div>
          )
        ) : null}
        {step === 'schedule' ? <ScheduleEditor value={schedule} onChange={setSchedule} /> : null}
        {step === 'schema' ? <PolicyEditor value={policy} onChange={setPolicy} /> : null}
        {step === 'review' ? (
          <div>
            <div className="field" style={{ maxWidth: 520 }}>
              <label htmlFor="connection-name">Connection name</label>
              <input id="connection-name" type="text" value={name} placeholder={defaultName} maxLength={200} onChange={(e) => setName(e.target.value)} />
            </div>
            <dl className="facts">
              <dt>Source</dt>
              <dd>{source?.name}</dd>
              <dt>Destination</dt>
              <dd>{destination?.name}</dd>
              <dt>Streams</dt>
              <dd>
                <ul style={{ margin: 0, paddingLeft: 18 }}>
                  {rows
                    .filter((r) => r.selected)
                    .map((r) => (
                      <li key={`${r.namespace}.${r.name}`}>
                        {r.name} — {syncModeLabel(r.syncMode)}
                        {r.selectedFields ? ` (${r.selectedFields.length} columns)` : ''}
                      </li>
                    ))}
                </ul>
              </dd>
              <dt>Schedule</dt>
              <dd>{describeSchedule(schedule)}</dd>
              <dt>Schema changes</dt>
              <dd>
                non-breaking: {policy.nonBreaking.replace(/_/g, ' ')}; breaking: {policy.breaking}
              </dd>
            </dl>
            <label className="row" style={{ marginTop: 16 }}>
              <input type="checkbox" checked={syncNow} onChange={(e) => setSyncNow(e.target.checked)} />
              Start a first sync now
            </label>
          </div>
        ) : null}
      </section>

      <div className="wizard-actions">
        <div>
          {stepIndex > 0 ? (
            <button className="button" type="button" onClick={back}>
              Back
            </button>
          ) : (
            <Link className="button" href="/connections">
              Cancel
            </Link>
          )}
        </div>
        {step === 'review' ? (
          <button className="button primary" type="button" onClick={create} disabled={creating}>
            {creating ? 'Creating…' : 'Create connection'}
          </button>
        ) : (
          <button className="button primary" type="button" onClick={next} disabled={step === 'streams' && streams.status !== 'ready'}>
            Next
          </button>
        )}
      </div>
    </div>
  );
}

function stepHeading(step: WizardStep): string {
  switch (step) {
    case 'source':
      return 'Choose a source';
    case 'destination':
      return 'Choose a destination';
    case 'streams':
      return 'Choose the streams to sync';
    case 'schedule':
      return 'Schedule';
    case 'schema':
      return 'When the source schema changes';
    case 'review':
      return 'Review and create';
  }
}

function ActorChoice({ kind, actors, value, iconOf, onChange }: { kind: 'source' | 'destination'; actors: Actor[]; value: string; iconOf: Map<string, ConnectorDefinition>; onChange: (id: string) => void }) {
  const collection = kind === 'source' ? 'sources' : 'destinations';
  if (actors.length === 0) {
    return (
      <div className="empty">
        <p>There is no {kind} yet.</p>
        <Link className="button primary" href={`/${collection}/new`}>
          Create a {kind}
        </Link>
      </div>
    );
  }
  return (
    <div>
      <div className="choice-list" role="radiogroup" aria-label={kind === 'source' ? 'Sources' : 'Destinations'}>
        {actors.map((actor) => {
          const definition = iconOf.get(actor.definitionId);
          return (
            <label key={actor.id} className="choice">
              <input type="radio" name={kind} value={actor.id} checked={value === actor.id} onChange={() => onChange(actor.id)} />
              <ConnectorIcon icon={definition?.icon ?? null} name={definition?.name ?? actor.definitionId} />
              <span>
                <strong>{actor.name}</strong>
                <br />
                <span className="muted small">{definition?.name ?? actor.definitionId}</span>
              </span>
            </label>
          );
        })}
      </div>
      <p className="small" style={{ marginTop: 12 }}>
        <Link href={`/${collection}/new`}>Create another {kind}</Link>
      </p>
    </div>
  );
}
