import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { SignInForm } from '../../components/session/sign-in-form';
import { Logo } from '../../components/shell/logo';
import { readSessionToken } from '../../lib/session';

export const metadata: Metadata = { title: 'Sign in' };
export const dynamic = 'force-dynamic';

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ next?: string; expired?: string }> }) {
  const { next, expired } = await searchParams;
  if (!expired && (await readSessionToken())) redirect('/connections');
  return (
    <main className="sign-in">
      <div className="card">
        <div className="brand">
          <Logo /> Tributary
        </div>
        <h1>Sign in</h1>
        <p className="muted">Use an API token of this Tributary.</p>
        <SignInForm next={next} expired={expired === '1'} />
      </div>
    </main>
  );
}
