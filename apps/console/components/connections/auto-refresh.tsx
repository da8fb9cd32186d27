'use client';
// Re-renders the server page every few seconds while something is in progress (a running sync):
// live progress without a client-side API.
import { useEffect } from 'react';
import { useRouter } from 'next/navigation';

export function AutoRefresh({ active, intervalMs = 2000 }: { active: boolean; intervalMs?: number }) {
  const router = useRouter();
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => router.refresh(), intervalMs);
    return () => clearInterval(timer);
  }, [active, intervalMs, router]);
  return null;
}
