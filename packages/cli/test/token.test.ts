import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openTokenStore } from '@bytemeter/tracker';
import { describe, expect, it } from 'vitest';
import { tokenCommand } from '../src/commands/token.js';

describe('bytemeter token', () => {
  it('creates, lists and revokes tokens the API can verify', async () => {
    const db = join(mkdtempSync(join(tmpdir(), 'bm-cli-token-')), 'tokens.db');
    const created = JSON.parse(
      await tokenCommand(['create', '--scopes', 'read,ingest', '--name', 'ci', '--db', db, '--json'], {}),
    );
    expect(created).toMatchObject({ id: 1, name: 'ci', scopes: ['read', 'ingest'], revokedAt: null });
    const text = await tokenCommand(['create', '--scopes', 'read', '--db', db], {});
    const secret = /\n {2}(bm_\S+)\n/.exec(text)?.[1];
    expect(secret).toBeDefined();

    const store = await openTokenStore({ path: db });
    expect(await store.verify(secret!)).toEqual({ id: 2, scopes: ['read'] });
    await store.close();

    const list = await tokenCommand(['list', '--db', db], {});
    expect(list.split('\n')[0]).toMatch(/^ID\s+NAME\s+SCOPES\s+CREATED\s+REVOKED$/);
    expect(list).toContain('ci');
    expect(list).not.toContain(secret!);

    expect(await tokenCommand(['revoke', '2', '--db', db], {})).toContain('Revoked token 2');
    const after = JSON.parse(await tokenCommand(['list', '--db', db, '--json'], {})) as {
      id: number;
      revokedAt: string | null;
    }[];
    expect(after.map((t) => [t.id, t.revokedAt !== null])).toEqual([
      [1, false],
      [2, true],
    ]);
    await expect(tokenCommand(['revoke', '2', '--db', db], {})).rejects.toMatchObject({ code: 'INVALID_OPTION' });
    await expect(tokenCommand(['create', '--scopes', 'write', '--db', db], {})).rejects.toMatchObject({
      code: 'INVALID_SCOPE',
    });
  });
});
