import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { dailyCostsQuery, dailyCostsVariables, daysOf } from '../src/lib/cost-days';

describe('daysOf', () => {
  it('cuts a month into the zone’s calendar days, up to the day holding now', () => {
    const month = { from: '2026-12-01T00:00:00+05:30', to: '2027-01-01T00:00:00+05:30' };
    const days = daysOf(month, 'Asia/Kolkata', Date.parse('2026-12-03T20:00:00Z')); // 4 Dec 01:30 in Kolkata
    expect(days).toEqual([
      { from: '2026-11-30T18:30:00.000Z', to: '2026-12-01T18:30:00.000Z' },
      { from: '2026-12-01T18:30:00.000Z', to: '2026-12-02T18:30:00.000Z' },
      { from: '2026-12-02T18:30:00.000Z', to: '2026-12-03T18:30:00.000Z' },
      { from: '2026-12-03T18:30:00.000Z', to: '2026-12-04T18:30:00.000Z' },
    ]);
    const whole = daysOf(month, 'Asia/Kolkata', Date.parse('2027-02-01T00:00:00Z'));
    expect(whole).toHaveLength(31);
    expect(whole.at(-1)!.to).toBe(new Date(Date.parse(month.to)).toISOString());
  });

  it('gives a DST day its 23 or 25 hours', () => {
    const march = daysOf(
      { from: '2026-03-01T00:00:00-05:00', to: '2026-04-01T00:00:00-04:00' },
      'America/New_York',
      Date.parse('2026-05-01T00:00:00Z'),
    );
    expect(march).toHaveLength(31);
    const hours = march.map((d) => (Date.parse(d.to) - Date.parse(d.from)) / 3_600_000);
    expect(hours[7]).toBe(23); // 8 March 2026, clocks forward
    expect(hours.filter((h) => h !== 24)).toEqual([23]);
    for (let i = 1; i < march.length; i++) expect(march[i]!.from).toBe(march[i - 1]!.to);
  });

  it('has no day before the month starts', () => {
    expect(
      daysOf({ from: '2026-12-01T00:00:00Z', to: '2027-01-01T00:00:00Z' }, 'UTC', Date.parse('2026-11-30T00:00:00Z')),
    ).toEqual([]);
  });
});

describe('dailyCostsQuery', () => {
  it('asks costs once per day in one valid document, each day with its own range variable', () => {
    const text = dailyCostsQuery(3);
    const doc = parse(text);
    const op = doc.definitions[0]!;
    expect(op.kind).toBe('OperationDefinition');
    if (op.kind !== 'OperationDefinition') return;
    expect(op.variableDefinitions?.map((v) => v.variable.name.value)).toEqual(['tz', 'd0', 'd1', 'd2']);
    expect(
      op.selectionSet.selections.map((s) => (s.kind === 'Field' ? `${s.alias?.value}:${s.name.value}` : s.kind)),
    ).toEqual(['d0:costs', 'd1:costs', 'd2:costs']);
    const days = [
      { from: '2026-12-01T00:00:00.000Z', to: '2026-12-02T00:00:00.000Z' },
      { from: '2026-12-02T00:00:00.000Z', to: '2026-12-03T00:00:00.000Z' },
    ];
    expect(dailyCostsVariables(days, 'UTC')).toEqual({ tz: 'UTC', d0: days[0], d1: days[1] });
  });
});
