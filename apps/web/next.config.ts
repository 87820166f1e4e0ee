import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NextConfig } from 'next';

const config: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // `pnpm -r typecheck` checks the same files with the same settings; checking again here doubles the build.
  typescript: { ignoreBuildErrors: true },
  // The workspace root, so Turbopack resolves pnpm's symlinked packages without guessing.
  turbopack: { root: join(dirname(fileURLToPath(import.meta.url)), '../..') },
};

export default config;
