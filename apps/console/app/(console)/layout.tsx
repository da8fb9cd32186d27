import type { ReactNode } from 'react';
import { redirect } from 'next/navigation';
import { NavLinks } from '../../components/shell/nav-links';
import { Logo } from '../../components/shell/logo';
import { signOutAction } from '../../lib/actions/session.actions';
import { consoleConfig } from '../../lib/console.config';
import { readSessionToken } from '../../lib/session';

// Every page behind sign-in reads the session cookie and calls the API at request time.
export const dynamic = 'force-dynamic';

export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  if (!(await readSessionToken())) redirect('/sign-in');
  const { apiUrl, temporalUiUrl } = consoleConfig();
  return (
    <div className="shell">
      <aside className="sidebar">
        <div className="brand">
          <Logo /> Tributary
        </div>
        <NavLinks />
        <div className="spacer" />
        <a href={`${apiUrl}/api/docs`} target="_blank" rel="noreferrer">
          API docs
        </a>
        {temporalUiUrl ? (
          <a href={temporalUiUrl} target="_blank" rel="noreferrer">
            Temporal UI
          </a>
        ) : null}
        <form action={signOutAction}>
          <button type="submit">Sign out</button>
        </form>
      </aside>
      <main className="content" id="main">
        {children}
      </main>
    </div>
  );
}
