'use client';
// Everything the wizard set, editable: name, streams, schedule, schema-change policy, namespaces;
// and deleting the connection.
import { useEffect, useState, useTransition, type FormEvent } from 'react';
import { useRouter } from 'next/navigation';
import type { Connection, Schedule, SchemaChangePolicy } from '../../lib/api/api-types';
import { deleteConnectionAction, discoverStreamsAction, updateConnectionAction } from '../../lib/actions/connection.actions';
import { nextRuns } from '../../lib/schedule/schedule';
import { rowProblems, rowsFromConnection, toStreamConfigs, type StreamRow } from '../../lib/streams/stream-choices';
import { PolicyEditor } from './policy-editor';
import { ScheduleEditor } from './schedule-editor';
import { StreamsTable } from './streams-table';

type Streams = { status: 'loading' } | { status: 'error'; message: string } | { status: 'ready'; rows: StreamRow[]; dirty: boolean };

export function ConnectionSettings({ connection }: { connection: Connection }) {
  const router = useRouter();
  const [name, setName] = useState(connection.name);
  const [schedule, setSchedule] = useState<Schedule>(connection.schedule);
  const [policy, setPolicy] = useState<SchemaChangePolicy>(connection.schemaChangePolicy);
  const [namespaceDefinition, setNamespaceDefinition] = useState(connection.namespaceDefinition);
  const [namespaceFormat, setNamespaceFormat] = useState(connection.namespaceFormat ?? '');
  const [prefix, setPrefix] = useState(connection.prefix);
  const [streams, setStreams] = useState<Streams>({ status: 'loading' });
  const [message, setMessage] = useState<{ bad: boolean; text: string; issues?: { field: string; message: string }[] }>();
  const [saving, startSaving] = useTransition();
  const [confirmDelete, setConfirmDelete] = useState(false);

  useEffect(() => {
    let live = true;
    void discoverStreamsAction(connection.sourceId, connection.destinationId).then((result) => {
      if (!live) return;
      setStreams(result.ok ? { status: 'ready', rows: rowsFromConnection(result.value.catalog, result.value.destinationModes, connection.streams), dirty: false } : { status: 'error', message: result.message });
    });
    return () => {
      live = false;
    };
  }, [connection.sourceId, connection.destinationId, connection.streams]);

  const save = (event: FormEvent) => {
    event.preventDefault();
    if (!nextRuns(schedule).ok) return setMessage({ bad: true, text: 'Fix the schedule first.' });
    if (streams.status === 'ready' && streams.dirty && streams.rows.some((r) => Object.keys(rowProblems(r)).length)) return setMessage({ bad: true, text: 'Some streams need a cursor field or primary key.' });
    startSaving(async () => {
      const result = await updateConnectionAction(connection.id, {
        name: name.trim(),
        schedule,
        schemaChangePolicy: policy,
        namespaceDefinition,
        ...(namespaceDefinition === 'custom' ? { namespaceFormat } : {}),
        prefix,
        // Streams are sent only when edited, so that a save elsewhere never rewrites them.
        ...(streams.status === 'ready' && streams.dirty ? { streams: toStreamConfigs(streams.rows) } : {}),
      });
      if (!result.ok) return setMessage({ bad: true, text: result.message, issues: result.issues });
      // The form shows what the API stored (it may normalise what was sent). The component is not
      // remounted on save, so that this confirmation stays on screen.
      const saved = result.value;
      setName(saved.name);
      setSchedule(saved.schedule);
      setPolicy(saved.schemaChangePolicy);
      setNamespaceDefinition(saved.namespaceDefinition);
      setNamespaceFormat(saved.namespaceFormat ?? '');
      setPrefix(saved.prefix);
      setMessage({ bad: false, text: 'Settings saved.' });
      router.refresh();
    });
  };

  const remove = () =>
    startSaving(async () => {
      const result = await deleteConnectionAction(connection.id);
      if (result.ok) router.push('/connections');
      else setMessage({ bad: true, text: result.message });
    });

  return (
    <form onSubmit={save} noValidate aria-label="Connection settings">
      <section className="card" aria-labelledby="general-heading">
        <h2 id="general-heading">General</h2>
        <div className="field" style={{ maxWidth: 520 }}>
          <label htmlFor="settings-name">Name</label>
          <input id="settings-name" type="text" value={name} maxLength={200} onChange={(e) => setName(e.target.value)} />
        </div>
        <div className="grid-2">
          <div className="field">
            <label htmlFor="namespace-definition">Destination namespace</label>
            <select id="namespace-definition" value={namespaceDefinition} onChange={(e) => setNamespaceDefinition(e.target.value as Connection['namespaceDefinition'])}>
              <option value="source">Same as the source (schema of each stream)</option>
              <option value="destination">The destination’s default</option>
              <option value="custom">Custom format</option>
            </select>
          </div>
          {namespaceDefinition === 'custom' ? (
            <div className="field">
              <label htmlFor="namespace-format">Namespace format</label>
              <input id="namespace-format" type="text" className="mono" value={namespaceFormat} placeholder="raw_${SOURCE_NAMESPACE}" onChange={(e) => setNamespaceFormat(e.target.value)} />
            </div>
          ) : null}
          <div className="field">
            <label htmlFor="stream-prefix">Stream prefix</label>
            <input id="stream-prefix" type="text" className="mono" value={prefix} placeholder="raw_" maxLength={60} onChange={(e) => setPrefix(e.target.value)} aria-describedby="prefix-help" />
            <p className="help" id="prefix-help">
              Added before every table or file name in the destination. Letters, digits, “_” and “-”.
            </p>
          </div>
        </div>
      </section>
      <section className="card" aria-labelledby="streams-settings-heading">
        <h2 id="streams-settings-heading">Streams</h2>
        {streams.status === 'loading' ? (
          <div role="status">
            <p className="muted">Discovering the source’s current streams…</p>
            <div className="progress">
              <span />
            </div>
          </div>
        ) : streams.status === 'error' ? (
          <div className="alert bad" role="alert">
            <p>Could not discover the source: {streams.message}</p>
          </div>
        ) : (
          <StreamsTable rows={streams.rows} onChange={(rows) => setStreams({ status: 'ready', rows, dirty: true })} showProblems />
        )}
      </section>
      <section className="card" aria-labelledby="schedule-settings-heading">
        <h2 id="schedule-settings-heading">Schedule</h2>
        <ScheduleEditor value={schedule} onChange={setSchedule} />
      </section>
      <section className="card" aria-labelledby="policy-settings-heading">
        <h2 id="policy-settings-heading">Schema changes</h2>
        <PolicyEditor value={policy} onChange={setPolicy} />
      </section>
      {message ? (
        <div className={`alert ${message.bad ? 'bad' : 'ok'}`} role={message.bad ? 'alert' : 'status'}>
          <p>{message.text}</p>
          {message.issues?.length ? (
            <ul>
              {message.issues.map((i) => (
                <li key={`${i.field}${i.message}`}>
                  <span className="mono">{i.field}</span>: {i.message}
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
      <div className="row" style={{ justifyContent: 'space-between' }}>
        <button className="button primary" type="submit" disabled={saving}>
          {saving ? 'Saving…' : 'Save settings'}
        </button>
        {confirmDelete ? (
          <span className="row">
            <span>Delete this connection and its job history?</span>
            <button className="button danger" type="button" onClick={remove} disabled={saving}>
              Delete connection
            </button>
            <button className="button" type="button" onClick={() => setConfirmDelete(false)}>
              Keep
            </button>
          </span>
        ) : (
          <button className="button danger" type="button" onClick={() => setConfirmDelete(true)}>
            Delete connection…
          </button>
        )}
      </div>
    </form>
  );
}
