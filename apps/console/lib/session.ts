// The signed-in session: the API token, kept in an httpOnly cookie that scripts in the page cannot
// read. Only server code (server components and server actions) touches it.
import { cookies } from 'next/headers';
import { consoleConfig } from './console.config';

export const SESSION_COOKIE = 'tributary_session';
const THIRTY_DAYS_SECONDS = 60 * 60 * 24 * 30;

export async function readSessionToken(): Promise<string | undefined> {
  return (await cookies()).get(SESSION_COOKIE)?.value || undefined;
}

export async function writeSessionToken(token: string): Promise<void> {
  (await cookies()).set(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'lax',
    secure: consoleConfig().secureCookies,
    path: '/',
    maxAge: THIRTY_DAYS_SECONDS,
  });
}

export async function clearSession(): Promise<void> {
  (await cookies()).delete(SESSION_COOKIE);
}
