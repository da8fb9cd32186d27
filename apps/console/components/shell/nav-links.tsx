'use client';
import Link from 'next/link';
import { usePathname } from 'next/navigation';

const LINKS = [
  { href: '/connections', label: 'Connections' },
  { href: '/sources', label: 'Sources' },
  { href: '/destinations', label: 'Destinations' },
  { href: '/catalog', label: 'Connector catalog' },
  { href: '/builder', label: 'Builder' },
];

export function NavLinks() {
  const pathname = usePathname();
  return (
    <nav aria-label="Main" className="stack" style={{ gap: 2 }}>
      {LINKS.map((link) => (
        <Link key={link.href} href={link.href} aria-current={pathname === link.href || pathname.startsWith(`${link.href}/`) ? 'page' : undefined}>
          {link.label}
        </Link>
      ))}
    </nav>
  );
}
