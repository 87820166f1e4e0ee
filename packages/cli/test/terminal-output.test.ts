import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './support/run-cli.js';

// What the CLI prints is made of names, paths and messages from users: a raw ESC or BEL in them must reach
// the terminal as visible text, never as a control sequence.

const NOW = Date.parse('2026-11-27T12:00:00Z');
const HOSTILE = '\u001b]0;pwned\u0007';
const SHOWN = '\\x1b]0;pwned\\x07';
const db = join(mkdtempSync(join(tmpdir(), 'bm-cli-terminal-')), 'terminal.db');
const cli = (...argv: string[]) => runCli([...argv, '--db', db], { now: NOW });
// biome-ignore lint/suspicious/noControlCharactersInRegex: looking for control characters is the point
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

describe('terminal output', () => {
  it('escapes control characters in an error that quotes the input', async () => {
    const r = await runCli([`usage${HOSTILE}`], { now: NOW });
    expect(r.code).toBe(2);
    expect(r.stderr).not.toMatch(RAW_CONTROL);
    expect(r.stderr).toContain(`unknown command "usage${SHOWN}"`);

    const period = await cli('usage', '--period', HOSTILE);
    expect(period.code).toBe(2);
    expect(period.stderr).not.toMatch(RAW_CONTROL);
    expect(period.stderr).toContain(SHOWN);
  });

  it('escapes control characters in a name, whether it is printed or refused', async () => {
    // Refused at input (core's rules): the error quotes the name JSON-escaped, so nothing raw reaches the
    // terminal, and nothing is recorded.
    const r = await cli('track', 'api-call', `photos${HOSTILE}`, 's3');
    expect(r.code).toBe(2);
    expect(r.stdout + r.stderr).not.toMatch(RAW_CONTROL);
    expect(r.stderr).toContain('photos\\u001b]0;pwned\\u0007');
    const usage = await cli('usage', '--timezone', 'UTC', '--at', '2026-11-27T10:00:00Z');
    expect(usage.code).toBe(0);
    expect(usage.stdout + usage.stderr).not.toMatch(RAW_CONTROL);
  });
});

describe('--at', () => {
  it('refuses days and times that do not exist instead of rolling them over', async () => {
    for (const at of ['2026-11-31T00:00:00Z', '2025-02-30T10:00Z', '2026-11-27T24:00:00Z', '2026-11-27T10:00:00']) {
      const r = await cli('usage', '--at', at);
      expect(r.code, at).toBe(2);
      expect(r.stderr, at).toContain(`--at must be an existing time with an offset`);
    }
    expect((await cli('usage', '--timezone', 'UTC', '--at', '2024-02-29T10:00Z')).code).toBe(0);
  });
});
