'use client';
import Link from 'next/link';
import { usePathname } from 'next/navigation';

export function ConnectionTabs({ id, pendingChanges }: { id: string; pendingChanges: number }) {
  const pathname = usePathname();
  const base = `/connections/${id}`;
  const tabs = [
    { href: base, label: 'Status', current: pathname === base || pathname.startsWith(`${base}/jobs`) },
    { href: `${base}/schema`, label: pendingChanges ? `Schema (${pendingChanges} pending)` : 'Schema', current: pathname === `${base}/schema` },
    { href: `${base}/settings`, label: 'Settings', current: pathname === `${base}/settings` },
  ];
  return (
    <nav className="tabs" aria-label="Connection">
      {tabs.map((tab) => (
        <Link key={tab.href} href={tab.href} aria-current={tab.current ? 'page' : undefined}>
          {tab.label}
        </Link>
      ))}
    </nav>
  );
}
