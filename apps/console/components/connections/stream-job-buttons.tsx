'use client';
// Refresh (re-read from scratch) or clear one stream of a connection.
import { useState, useTransition } from 'react';
import { useRouter } from 'next/navigation';
import { triggerJobAction } from '../../lib/actions/connection.actions';

export function StreamJobButtons({ connectionId, stream, disabled }: { connectionId: string; stream: { name: string; namespace?: string }; disabled: boolean }) {
  const router = useRouter();
  const [pending, start] = useTransition();
  const [confirmClear, setConfirmClear] = useState(false);
  const [error, setError] = useState<string>();
  const label = stream.namespace ? `${stream.namespace}.${stream.name}` : stream.name;
  const run = (type: 'refresh' | 'clear') =>
    start(async () => {
      setError(undefined);
      const result = await triggerJobAction(connectionId, type, [{ name: stream.name, ...(stream.namespace ? { namespace: stream.namespace } : {}) }]);
      if (!result.ok) setError(result.message);
      else router.push(`/connections/${connectionId}/jobs/${result.value.id}`);
    });
  return (
    <span className="row">
      <button type="button" className="button small" disabled={disabled || pending} onClick={() => run('refresh')} aria-label={`Refresh stream ${label}`}>
        Refresh
      </button>
      {confirmClear ? (
        <>
          <button type="button" className="button small danger" disabled={disabled || pending} onClick={() => run('clear')} aria-label={`Confirm clearing stream ${label}`}>
            Clear its data?
          </button>
          <button type="button" className="button small" onClick={() => setConfirmClear(false)}>
            Keep
          </button>
        </>
      ) : (
        <button type="button" className="button small" disabled={disabled || pending} onClick={() => setConfirmClear(true)} aria-label={`Clear stream ${label}`}>
          Clear
        </button>
      )}
      {error ? (
        <span className="error small" role="alert">
          {error}
        </span>
      ) : null}
    </span>
  );
}
