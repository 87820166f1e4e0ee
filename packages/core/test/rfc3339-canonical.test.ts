import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseRfc3339, parseRfc3339Strict } from '../src/rfc3339.js';
import { canonicalRfc3339Millis } from '../src/rfc3339-canonical.js';

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** Date-time texts of the canonical shape with every field drawn a little past its range, and the odd variant. */
const nearCanonical = fc
  .record({
    year: fc.integer({ min: 0, max: 9999 }),
    month: fc.integer({ min: 0, max: 13 }),
    day: fc.integer({ min: 0, max: 32 }),
    hour: fc.integer({ min: 0, max: 25 }),
    minute: fc.integer({ min: 0, max: 61 }),
    second: fc.option(fc.integer({ min: 0, max: 61 }), { freq: 8 }),
    fraction: fc.option(fc.stringMatching(/^[0-9]{0,11}$/), { freq: 2 }),
    separator: fc.constantFrom('T', 'T', 'T', 't', ' '),
    zone: fc.oneof(
      fc.constantFrom('Z', 'Z', 'z', '', 'UTC'),
      fc
        .record({
          sign: fc.constantFrom('+', '-', '−'),
          hours: fc.integer({ min: 0, max: 25 }),
          minutes: fc.integer({ min: 0, max: 61 }),
        })
        .map(({ sign, hours, minutes }) => `${sign}${pad(hours, 2)}:${pad(minutes, 2)}`),
    ),
  })
  .map(
    (f) =>
      `${pad(f.year, 4)}-${pad(f.month, 2)}-${pad(f.day, 2)}${f.separator}${pad(f.hour, 2)}:${pad(f.minute, 2)}` +
      `${f.second === null ? '' : `:${pad(f.second, 2)}`}${f.fraction === null ? '' : `.${f.fraction}`}${f.zone}`,
  );

/** A text with one character replaced, inserted or removed: the shapes one typo away from canonical. */
const mutated = fc
  .tuple(
    nearCanonical,
    fc.nat(),
    fc.constantFrom('0', '9', '-', ':', '.', 'T', 'Z', '+', ' ', 'a', '/', '١'),
    fc.nat(2),
  )
  .map(([text, at, char, how]) => {
    const i = at % (text.length + 1);
    if (how === 0) return text.slice(0, i) + char + text.slice(i + 1);
    if (how === 1) return text.slice(0, i) + char + text.slice(i);
    return text.slice(0, i) + text.slice(i + 1);
  });

/** Any instant JavaScript can write with toISOString in 4 digits, in UTC or shifted to an offset. */
const canonicalValid = fc
  .tuple(
    fc.integer({ min: -62_167_219_200_000 + 86_400_000, max: Date.UTC(9999, 11, 30) }),
    fc.integer({ min: -(23 * 60 + 59), max: 23 * 60 + 59 }),
    fc.constantFrom(0, 1, 2, 3, 6, 9),
  )
  .map(([t, offset, digits]) => {
    const shifted = new Date(t + offset * 60_000).toISOString();
    const fraction = digits === 0 ? '' : `.${(`${shifted.slice(20, 23)}123456`).slice(0, digits)}`;
    const zone =
      offset === 0
        ? 'Z'
        : `${offset < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(offset) / 60), 2)}:${pad(Math.abs(offset) % 60, 2)}`;
    return shifted.slice(0, 19) + fraction + zone;
  });

const time = (date: Date | null) => (date === null ? null : date.getTime());

function agrees(text: string) {
  for (const secondsOptional of [false, true]) {
    expect(time(parseRfc3339(text, { secondsOptional })), text).toBe(
      time(parseRfc3339Strict(text, { secondsOptional })),
    );
  }
  const fast = canonicalRfc3339Millis(text);
  // When the fast path answers at all, it answers what the strict parser does.
  if (!Number.isNaN(fast)) expect(fast, text).toBe(time(parseRfc3339Strict(text)));
}

describe('canonicalRfc3339Millis, the fast path of parseRfc3339', () => {
  it('answers every valid canonical text itself, with the strict parser’s instant', () => {
    fc.assert(
      fc.property(canonicalValid, (text) => {
        expect(canonicalRfc3339Millis(text), text).toBe(time(parseRfc3339Strict(text)));
      }),
      { numRuns: 20_000 },
    );
  });

  it('leaves parseRfc3339 equal to the strict parser on near-canonical and mutated texts', () => {
    fc.assert(fc.property(fc.oneof(nearCanonical, mutated), agrees), { numRuns: 50_000 });
  });

  it('agrees on strings of date-time characters in any order', () => {
    const chars = fc.constantFrom(...'0123456789-:.TtZz+ '.split(''));
    fc.assert(fc.property(fc.string({ unit: chars, minLength: 16, maxLength: 36 }), agrees), { numRuns: 20_000 });
  });

  it('leaves the hard cases to the strict parser', () => {
    for (const text of [
      '2025-02-30T00:00:00Z',
      '2024-02-29T00:00:00Z',
      '1900-02-29T00:00:00Z',
      '2000-02-29T00:00:00Z',
      '2026-11-27T23:59:60Z',
      '2026-11-27T24:00:00Z',
      '2026-11-27t10:00:00z',
      '2026-11-27T10:00:00z',
      '2026-11-27T10:00Z',
      '2026-11-27T10:00:00.Z',
      '2026-11-27T10:00:00.1234567890Z',
      '2026-11-27T10:00:00+24:00',
      '2026-11-27T10:00:00+23:59',
      '2026-11-27T10:00:00-00:00',
      '2026-11-27T10:00:00+0530',
      '0000-01-01T00:00:00Z',
      '0000-03-01T00:00:00+01:00',
      '9999-12-31T23:59:59.999-23:59',
      '2026-11-27T10:00:00Z\n',
    ]) {
      agrees(text);
    }
    expect(canonicalRfc3339Millis('2026-11-27t10:00:00Z')).toBeNaN();
    expect(canonicalRfc3339Millis('2025-02-30T00:00:00Z')).toBeNaN();
    expect(canonicalRfc3339Millis('1970-01-01T00:00:01.5Z')).toBe(1500);
  });
});
