export default function Loading() {
  return (
    <div aria-busy="true" aria-live="polite">
      <span className="muted">Loading…</span>
      <div className="skeleton" style={{ width: '40%', height: 24 }} />
      <div className="skeleton" />
      <div className="skeleton" />
      <div className="skeleton" style={{ width: '70%' }} />
    </div>
  );
}
