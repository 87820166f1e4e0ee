import { describe, expect, it } from 'vitest';
import { codes, createTestApi } from './support/harness.js';

describe('error masking', () => {
  it('hides internal errors behind INTERNAL_SERVER_ERROR and a generic message', async () => {
    const api = await createTestApi();
    await api.tracker.close();
    const stderr = process.stderr.write;
    const logged: string[] = [];
    process.stderr.write = ((chunk: string) => {
      logged.push(String(chunk));
      return true;
    }) as typeof process.stderr.write;
    try {
      const r = await api.execute('{ backends { name } }');
      expect(codes(r)).toEqual(['INTERNAL_SERVER_ERROR']);
      expect(r.errors?.[0]?.message).toBe('Unexpected error.');
      expect(JSON.stringify(r)).not.toContain('closed');
      // The server keeps the real cause for its operator.
      expect(logged.join('')).toContain('This tracker is closed');
    } finally {
      process.stderr.write = stderr;
      await api.close();
    }
  });
});
