import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

// The SDK must run in browsers: bundling it for the browser platform has to succeed without any Node
// built-in or native module, and the typed introspection must not ship at run time.

describe('browser bundle', () => {
  it('bundles for the browser with no Node built-ins and no introspection data', async () => {
    const result = await build({
      entryPoints: [new URL('../src/index.ts', import.meta.url).pathname],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    expect(result.errors).toEqual([]);
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.filter((path) => /^node:|better-sqlite3|@bytemeter\/tracker/.test(path))).toEqual([]);
    expect(inputs.some((path) => path.includes('graphql-ws'))).toBe(true);
    expect(inputs.filter((path) => path.endsWith('introspection.ts'))).toEqual([]);
    const code = result.outputFiles[0]?.text ?? '';
    expect(code).toContain('trackUsage');
  });
});
