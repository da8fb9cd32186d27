'use server';
// Sign-in and sign-out: the token is checked against the API, then kept in an httpOnly cookie.
import { redirect } from 'next/navigation';
import { verifyApiToken } from '../auth';
import { clearSession, writeSessionToken } from '../session';

export interface SignInState {
  error?: string;
}

/** Only same-site paths are followed after signing in. */
function safeNext(next: FormDataEntryValue | null): string {
  const value = typeof next === 'string' ? next : '';
  return value.startsWith('/') && !value.startsWith('//') ? value : '/connections';
}

export async function signInAction(_previous: SignInState, form: FormData): Promise<SignInState> {
  const token = String(form.get('token') ?? '').trim();
  if (!token) return { error: 'Enter the API token printed when Tributary started (TRIBUTARY_API_TOKEN).' };
  const check = await verifyApiToken(token);
  if (!check.valid) return { error: check.reason };
  await writeSessionToken(token);
  redirect(safeNext(form.get('next')));
}

export async function signOutAction(): Promise<void> {
  await clearSession();
  redirect('/sign-in');
}
