'use client';
// Delete a source or destination, after listing the connections that use it (the API refuses
// while any does).
import { useState, useTransition } from 'react';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import type { ConnectorKind } from '../../lib/api/api-types';
import { connectionsUsingAction, deleteActorAction } from '../../lib/actions/actor.actions';

type State = { step: 'idle' } | { step: 'confirm'; using: { id: string; name: string }[] } | { step: 'error'; message: string };

export function DeleteActor({ kind, id, name }: { kind: ConnectorKind; id: string; name: string }) {
  const router = useRouter();
  const [state, setState] = useState<State>({ step: 'idle' });
  const [pending, start] = useTransition();
  const collection = kind === 'source' ? 'sources' : 'destinations';

  const ask = () =>
    start(async () => {
      const result = await connectionsUsingAction(kind, id);
      setState(result.ok ? { step: 'confirm', using: result.value } : { step: 'error', message: result.message });
    });
  const remove = () =>
    start(async () => {
      const result = await deleteActorAction(kind, id);
      if (result.ok) router.push(`/${collection}`);
      else setState({ step: 'error', message: result.message });
    });

  return (
    <section className="card" aria-labelledby="danger-heading">
      <h2 id="danger-heading">Delete this {kind}</h2>
      {state.step === 'idle' ? (
        <button className="button danger" type="button" onClick={ask} disabled={pending}>
          {pending ? 'Checking…' : `Delete ${kind}…`}
        </button>
      ) : null}
      {state.step === 'error' ? (
        <div className="alert bad" role="alert">
          <p>{state.message}</p>
        </div>
      ) : null}
      {state.step === 'confirm' ? (
        <div className="alert warn" role="alertdialog" aria-labelledby="delete-warning">
          {state.using.length ? (
            <>
              <p id="delete-warning">
                <strong>
                  “{name}” is used by {state.using.length} connection{state.using.length > 1 ? 's' : ''}.
                </strong>{' '}
                Delete {state.using.length > 1 ? 'them' : 'it'} first:
              </p>
              <ul>
                {state.using.map((c) => (
                  <li key={c.id}>
                    <Link href={`/connections/${c.id}`}>{c.name}</Link>
                  </li>
                ))}
              </ul>
              <button className="button" type="button" onClick={() => setState({ step: 'idle' })}>
                Close
              </button>
            </>
          ) : (
            <>
              <p id="delete-warning">
                Delete “{name}”? No connection uses it. Its configuration, including secrets, is removed for good.
              </p>
              <div className="row" style={{ marginTop: 10 }}>
                <button className="button danger" type="button" onClick={remove} disabled={pending}>
                  {pending ? 'Deleting…' : 'Delete permanently'}
                </button>
                <button className="button" type="button" onClick={() => setState({ step: 'idle' })}>
                  Cancel
                </button>
              </div>
            </>
          )}
        </div>
      ) : null}
    </section>
  );
}
