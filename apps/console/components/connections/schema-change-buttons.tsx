'use client';
// Approve or reject a held schema change; check for changes now.
import { useState, useTransition } from 'react';
import { useRouter } from 'next/navigation';
import { detectSchemaChangesAction, resolveSchemaChangeAction } from '../../lib/actions/connection.actions';

export function ResolveSchemaChange({ connectionId, changeId }: { connectionId: string; changeId: string }) {
  const router = useRouter();
  const [pending, start] = useTransition();
  const [error, setError] = useState<string>();
  const decide = (decision: 'approve' | 'reject') =>
    start(async () => {
      const result = await resolveSchemaChangeAction(connectionId, changeId, decision);
      if (!result.ok) setError(result.message);
      router.refresh();
    });
  return (
    <div className="row">
      <button className="button primary" type="button" disabled={pending} onClick={() => decide('approve')}>
        Approve
      </button>
      <button className="button" type="button" disabled={pending} onClick={() => decide('reject')}>
        Reject
      </button>
      {error ? (
        <span className="error" role="alert">
          {error}
        </span>
      ) : null}
    </div>
  );
}

export function DetectSchemaChanges({ connectionId }: { connectionId: string }) {
  const router = useRouter();
  const [pending, start] = useTransition();
  const [message, setMessage] = useState<{ bad: boolean; text: string }>();
  return (
    <div className="row">
      <button
        className="button"
        type="button"
        disabled={pending}
        onClick={() =>
          start(async () => {
            const result = await detectSchemaChangesAction(connectionId);
            setMessage(result.ok ? { bad: false, text: result.value.action === 'unchanged' ? 'The schema has not changed.' : `Changes found: ${result.value.action.replace(/_/g, ' ')}.` } : { bad: true, text: result.message });
            router.refresh();
          })
        }
      >
        {pending ? 'Checking the source…' : 'Check for schema changes now'}
      </button>
      {message ? (
        <span className={message.bad ? 'error' : 'muted'} role="status">
          {message.text}
        </span>
      ) : null}
    </div>
  );
}
