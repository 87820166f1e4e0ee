import { describe, expect, it } from 'vitest';
import { escapeControlChars, openResourceTracker } from '../src/index.js';
import { parseCsv } from './support/csv.js';
import { describeEachDialect, newStore, writeStore } from './support/stores.js';

describe('escapeControlChars', () => {
  it('writes C0, DEL, C1 and bidi controls as visible escapes and leaves other text alone', () => {
    expect(escapeControlChars('\u001b]0;pwned\u0007')).toBe('\\x1b]0;pwned\\x07');
    expect(escapeControlChars('a\u0000b\u007fc\u009bd')).toBe('a\\x00b\\x7fc\\x9bd');
    expect(escapeControlChars('evil\u202egpj.exe\u2066')).toBe('evil\\u202egpj.exe\\u2066');
    expect(escapeControlChars('two\nlines\tand\r')).toBe('two\\x0alines\\x09and\\x0d');
    expect(escapeControlChars('two\nlines\t', { keepNewlines: true })).toBe('two\nlines\\x09');
    const plain = 'ключ/файл ✓ C:\\temp "q" 😀';
    expect(escapeControlChars(plain)).toBe(plain);
  });
});

describeEachDialect('CSV export of hostile stored text', () => {
  it('escapes control characters and defuses formulas in every text cell', async () => {
    const store = await newStore('hostile');
    const now = Date.UTC(2026, 10, 27, 12);
    const tracker = openResourceTracker({ ...store, clock: () => now, flushOnExit: false });
    tracker.trackApiCall('photos', 's3', { path: 'p1', timestamp: now - 1000 });
    tracker.trackApiCall('photos', 's3', { path: 'p2', timestamp: now - 500 });
    await tracker.close();
    // Rows as an older version (before control characters were refused at input) could have stored them.
    await writeStore(store, "UPDATE backends SET name = ? WHERE name = 'photos'", ['ph\u001b]0;pwned\u0007otos']);
    await writeStore(store, "UPDATE events SET path = ?, metadata = ? WHERE path = 'p1'", [
      'a\u001b[2Jb\nc',
      JSON.stringify({ note: 'x\u009by' }),
    ]);
    await writeStore(store, "UPDATE events SET path = ? WHERE path = 'p2'", ["-2+3+cmd|' /C calc'!A0"]);

    const reader = openResourceTracker({ ...store, clock: () => now, flushOnExit: false });
    try {
      let csv = '';
      for await (const chunk of reader.exportUsage({ format: 'csv', hoursBack: 1 })) csv += chunk;
      // Nothing a terminal would act on, and one line per record.
      // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
      expect(csv).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
      const rows = parseCsv(csv);
      expect(rows).toHaveLength(3);
      const [first, second] = [rows[1]!, rows[2]!];
      const path = rows[0]!.indexOf('path');
      const metadata = rows[0]!.indexOf('metadata');
      expect(first[2]).toBe('ph\\x1b]0;pwned\\x07otos');
      expect(first[path]).toBe('a\\x1b[2Jb\\x0ac');
      expect(first[metadata]).toBe('{"note":"x\\x9by"}');
      expect(second[path]).toBe("'-2+3+cmd|' /C calc'!A0");
      // NDJSON keeps the exact stored values (JSON escapes what it must).
      let ndjson = '';
      for await (const chunk of reader.exportUsage({ format: 'ndjson', hoursBack: 1 })) ndjson += chunk;
      expect(JSON.parse(ndjson.split('\n')[0]!).path).toBe('a\u001b[2Jb\nc');
    } finally {
      await reader.close();
    }
  });
});
