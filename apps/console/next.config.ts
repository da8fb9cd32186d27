// Next.js configuration of the console. The console talks to the API over HTTP only; nothing of
// the monorepo is bundled into it.
import { resolve } from 'node:path';
import type { NextConfig } from 'next';

// The monorepo root holds node_modules and the one lockfile; say so, rather than let Next guess.
const workspaceRoot = resolve(__dirname, '..', '..');

const nextConfig: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  outputFileTracingRoot: workspaceRoot,
  turbopack: { root: workspaceRoot },
  // Browsers still ask for /favicon.ico on some navigations (history.replaceState after a client
  // redirect) despite the declared icon: answer with it rather than a 404 in the console.
  async rewrites() {
    return [{ source: '/favicon.ico', destination: '/icon.svg' }];
  },
};

export default nextConfig;
