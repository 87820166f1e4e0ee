// node --test scripts/dist-freshness.test.mjs — run by `npm test`. A fake package in a temp folder, its
// file times set explicitly (a build is "later" than its sources by time, not by the order of writes).
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { assertFreshDist, staleDistReason } from './dist-freshness.mjs';

test('a dist stands while every source is older than its output; a newer source, a missing output or dist refuse', () => {
  const root = mkdtempSync(join(tmpdir(), 'bm-dist-freshness-'));
  const pkg = join(root, 'packages/core');
  const file = (path, seconds) => {
    mkdirSync(join(pkg, path, '..'), { recursive: true });
    writeFileSync(join(pkg, path), 'x\n');
    utimesSync(join(pkg, path), seconds, seconds);
  };
  try {
    file('package.json', 1000);
    file('src/index.ts', 1000);
    file('src/deep/part.ts', 1000);
    file('src/types.d.ts', 5000); // declarations are not compiled to dist: ignored
    assert.equal(staleDistReason(pkg), 'dist/ is missing');
    file('dist/index.js', 2000);
    assert.equal(staleDistReason(pkg), 'dist/deep/part.js is missing');
    file('dist/deep/part.js', 2000);
    file('dist/gone.js', 10); // output of a deleted source: ignored
    assert.equal(staleDistReason(pkg), null);
    assertFreshDist(root, ['packages/core']);
    file('src/deep/part.ts', 3000);
    assert.equal(staleDistReason(pkg), 'src/deep/part.ts is newer than its last build');
    assert.throws(() => assertFreshDist(root, ['packages/core']), /packages\/core: src\/deep\/part\.ts is newer/);
    file('dist/index.js', 4000);
    file('dist/deep/part.js', 4000);
    assert.equal(staleDistReason(pkg), null);
    file('package.json', 4500);
    assert.equal(staleDistReason(pkg), 'package.json is newer than its last build');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
