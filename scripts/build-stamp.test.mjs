// node --test scripts/build-stamp.test.mjs — run by `npm test`. A fake workspace in a temp folder.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildOutputs, forgetBuild, isBuildFresh, recordBuild, sourceFingerprint } from './build-stamp.mjs';

function workspace() {
  const root = mkdtempSync(join(tmpdir(), 'bm-build-stamp-'));
  const file = (path, text) => {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  file('pnpm-lock.yaml', 'lockfileVersion: 9\n');
  file('packages/core/package.json', JSON.stringify({ scripts: { build: 'tsc -p tsconfig.build.json' } }));
  file('packages/core/src/index.ts', 'export const a = 1;\n');
  file('packages/core-tests/package.json', JSON.stringify({ scripts: { test: 'vitest run' } }));
  file('apps/web/package.json', JSON.stringify({ scripts: { build: 'NEXT_TELEMETRY_DISABLED=1 next build' } }));
  file('apps/web/src/page.tsx', 'export default 1;\n');
  const built = () => {
    file('packages/core/dist/index.js', 'export const a = 1;\n');
    file('apps/web/.next/BUILD_ID', 'x\n');
  };
  return { root, file, built, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

test('a build stands until a source, the lockfile or a NEXT_PUBLIC_ setting changes, or an output goes', () => {
  const w = workspace();
  try {
    assert.deepEqual(
      buildOutputs(w.root).map((p) => p.slice(w.root.length + 1)),
      ['packages/core/dist', 'apps/web/.next/BUILD_ID'],
    );
    const first = sourceFingerprint(w.root, {});
    assert.equal(isBuildFresh(w.root, first), false, 'never built');
    w.built();
    recordBuild(w.root, first);
    assert.equal(isBuildFresh(w.root, first), true);
    // Outputs, dependencies, caches and local databases are not sources.
    w.file('packages/core/dist/extra.js', '1');
    w.file('node_modules/x/index.js', '1');
    w.file('apps/web/tsconfig.tsbuildinfo', '{}');
    w.file('tracker.db', 'x');
    assert.equal(sourceFingerprint(w.root, {}), first);
    // A source edit, a lockfile change or a build-time setting each means "build".
    w.file('packages/core/src/index.ts', 'export const a = 2;\n');
    const edited = sourceFingerprint(w.root, {});
    assert.notEqual(edited, first);
    assert.equal(isBuildFresh(w.root, edited), false);
    w.file('packages/core/src/index.ts', 'export const a = 1;\n');
    assert.equal(sourceFingerprint(w.root, {}), first, 'content, not mtimes');
    w.file('pnpm-lock.yaml', 'lockfileVersion: 9\n# changed\n');
    assert.notEqual(sourceFingerprint(w.root, {}), first);
    w.file('pnpm-lock.yaml', 'lockfileVersion: 9\n');
    assert.notEqual(sourceFingerprint(w.root, { NEXT_PUBLIC_X: '1' }), first);
    // A missing output means "build", whatever the fingerprint says.
    rmSync(join(w.root, 'apps/web/.next'), { recursive: true });
    assert.equal(isBuildFresh(w.root, first), false);
    w.built();
    assert.equal(isBuildFresh(w.root, first), true);
    forgetBuild(w.root);
    assert.equal(isBuildFresh(w.root, first), false);
  } finally {
    w.cleanup();
  }
});
