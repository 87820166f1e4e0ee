import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { colorsFor } from '../src/paint.js';
import { writeLine } from '../src/write-line.js';
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

describe('colour', () => {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the CLI's own colour codes are what is looked for
  const SGR = /\u001b\[\d+m/g;

  it('colours tables on a terminal, and only with codes of its own', async () => {
    const at = '2026-11-27T10:00:00Z';
    expect((await cli('track', 'upload', 'photos', 's3', '1KiB', '--path', 'cats/1.jpg', '--at', at)).code).toBe(0);
    // Five failures in a row: what makes a backend UNHEALTHY at any volume (one failed call is too few).
    for (const minute of [55, 56, 57, 58, 59]) {
      const failed = await cli('track', 'api-call', 'pins', 'ipfs', '--failed', '--at', `2026-11-27T11:${minute}:00Z`);
      expect(failed.code).toBe(0);
    }
    const status = await runCli(['status', '--db', db], { now: NOW, tty: true });
    expect(status.code).toBe(0);
    expect(status.stdout).toContain('\u001b[1mBACKEND\u001b[22m');
    expect(status.stdout).toContain('\u001b[31munhealthy\u001b[39m');
    const details = await runCli(['details', '--db', db], { now: NOW, tty: true });
    expect(details.stdout).toContain('\u001b[31mNO\u001b[39m');
    expect(details.stdout.replace(SGR, '')).not.toMatch(RAW_CONTROL);
    // Text from outside, coloured or not, is escaped before the colour codes are added.
    const out = { text: '', write: (t: string) => (out.text += t) };
    writeLine(out, [{ text: HOSTILE, color: 'red' }, { text: ` ${HOSTILE}` }], colorsFor({ isTTY: true }, {}));
    expect(out.text).toBe(`\u001b[31m${SHOWN}\u001b[39m ${SHOWN}\n`);
    const usage = await runCli(['usage', '--timezone', 'UTC', '--at', '2026-11-27T10:00:00Z', '--db', db], {
      now: NOW,
      tty: true,
    });
    expect(usage.stdout).toContain('\u001b[1mCALLS\u001b[22m');
  });

  it('prints no colour with NO_COLOR, to a pipe, or as JSON', async () => {
    for (const [env, tty, json] of [
      [{ NO_COLOR: '1' }, true, false],
      [{}, false, false],
      [{}, true, true],
    ] as const) {
      const r = await runCli(['status', '--db', db, ...(json ? ['--json'] : [])], { now: NOW, env, tty });
      expect(r.code).toBe(0);
      expect(r.stdout).not.toContain('\u001b');
      expect(r.stdout.length).toBeGreaterThan(20);
    }
  });
});
