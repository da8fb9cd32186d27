'use client';
// Enable/pause, Sync now, Cancel: the buttons of a connection's header.
import { useState, useTransition } from 'react';
import { useRouter } from 'next/navigation';
import type { Connection, Job } from '../../lib/api/api-types';
import { cancelJobAction, triggerJobAction, updateConnectionAction } from '../../lib/actions/connection.actions';

export function ConnectionActions({ connection, activeJob }: { connection: Connection; activeJob: Job | null }) {
  const router = useRouter();
  const [pending, start] = useTransition();
  const [message, setMessage] = useState<{ kind: 'bad' | 'ok'; text: string }>();
  const run = (work: () => Promise<{ ok: boolean; message?: string }>, success?: string) =>
    start(async () => {
      setMessage(undefined);
      const result = await work();
      if (!result.ok) setMessage({ kind: 'bad', text: result.message ?? 'Failed.' });
      else if (success) setMessage({ kind: 'ok', text: success });
      router.refresh();
    });

  const paused = connection.status === 'paused';
  return (
    <div className="stack" style={{ alignItems: 'flex-end', gap: 6 }}>
      <div className="row">
        {activeJob ? (
          <button className="button danger" type="button" disabled={pending} onClick={() => run(() => cancelJobAction(connection.id, activeJob.id), 'Cancelling the sync…')}>
            Cancel sync
          </button>
        ) : (
          <button
            className="button primary"
            type="button"
            disabled={pending}
            onClick={() =>
              run(async () => {
                const result = await triggerJobAction(connection.id, 'sync');
                if (result.ok) router.push(`/connections/${connection.id}/jobs/${result.value.id}`);
                return result;
              })
            }
          >
            Sync now
          </button>
        )}
        <button className="button" type="button" disabled={pending} onClick={() => run(() => updateConnectionAction(connection.id, { status: paused ? 'active' : 'paused' }), paused ? 'Connection enabled.' : 'Connection paused.')}>
          {paused ? 'Enable' : 'Pause'}
        </button>
      </div>
      {message ? (
        <p className={message.kind === 'bad' ? 'error' : 'muted small'} role={message.kind === 'bad' ? 'alert' : 'status'} style={{ margin: 0 }}>
          {message.text}
        </p>
      ) : null}
    </div>
  );
}
