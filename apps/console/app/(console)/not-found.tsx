import Link from 'next/link';

export default function NotFound() {
  return (
    <div className="empty">
      <h2>Not found</h2>
      <p>It may have been deleted.</p>
      <Link className="button" href="/connections">
        Back to connections
      </Link>
    </div>
  );
}
