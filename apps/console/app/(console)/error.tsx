'use client';
export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <div className="alert bad" role="alert">
      <h2>This page could not be loaded</h2>
      <p>The Tributary API may be unreachable or returned an error{error.digest ? ` (reference ${error.digest})` : ''}.</p>
      <p style={{ marginTop: 10 }}>
        <button className="button" type="button" onClick={reset}>
          Try again
        </button>
      </p>
    </div>
  );
}
