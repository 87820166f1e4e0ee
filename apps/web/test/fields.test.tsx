import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { DateRangePicker } from '@/components/fields/date-range-picker';
import { DateTimeField } from '@/components/fields/date-time-field';
import { SelectField } from '@/components/fields/select-field';
import { DATE_TIME_PATTERN } from '@/lib/zoned-time';

/** The attributes of the first element matching `tag[attr="value"]` in server-rendered HTML. */
function attrsOf(html: string, selector: RegExp): Record<string, string> {
  const tag = selector.exec(html)?.[0];
  if (!tag) throw new Error(`no ${selector} in ${html}`);
  return Object.fromEntries([...tag.matchAll(/([a-zA-Z-]+)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
}

describe('DateTimeField', () => {
  it('is a 24-hour text field in the zone, never the browser’s datetime-local', () => {
    const html = renderToStaticMarkup(
      <DateTimeField id="f" name="from" label="From" instant="2026-12-03T09:45:00.000Z" timeZone="Asia/Kolkata" />,
    );
    const input = attrsOf(html, /<input[^>]*>/);
    expect(input).toMatchObject({
      type: 'text',
      name: 'from',
      value: '2026-12-03 15:15',
      placeholder: 'YYYY-MM-DD HH:mm',
    });
    expect(input.pattern).toBe(DATE_TIME_PATTERN);
    expect(html).not.toContain('datetime-local');
    expect(html).toContain('<label for="f">From</label>');
    expect(html).toContain('YYYY-MM-DD HH:mm (Asia/Kolkata)');
  });

  it('shows a refused value back as it was typed, and nothing when there is no instant', () => {
    const typed = renderToStaticMarkup(
      <DateTimeField
        id="t"
        name="to"
        label="To"
        instant="2026-12-03T00:00:00Z"
        raw="2026-02-30 10:00"
        timeZone="UTC"
      />,
    );
    expect(attrsOf(typed, /<input[^>]*>/).value).toBe('2026-02-30 10:00');
    const empty = renderToStaticMarkup(<DateTimeField id="t" name="to" label="To" timeZone="UTC" />);
    expect(attrsOf(empty, /<input[^>]*>/).value).toBe('');
  });
});

describe('SelectField', () => {
  it('puts the "all" choice first and selects the value, with labels where given', () => {
    const html = renderToStaticMarkup(
      <SelectField
        id="h"
        name="hours"
        label="Time range"
        all="Any"
        choices={[1, 24]}
        labels={{ 1: 'Last hour', 24: 'Last 24 hours' }}
        value={24}
      />,
    );
    expect([...html.matchAll(/<option value="([^"]*)"[^>]*>([^<]*)</g)].map((m) => [m[1], m[2]])).toEqual([
      ['', 'Any'],
      ['1', 'Last hour'],
      ['24', 'Last 24 hours'],
    ]);
    expect(attrsOf(html, /<option[^>]*selected[^>]*>/).value).toBe('24');
  });
});

describe('DateRangePicker', () => {
  it('offers the named ranges plus Custom, and the From/To of the range drawn', () => {
    const html = renderToStaticMarkup(
      <DateRangePicker
        name="period"
        label="Period"
        choices={[{ value: 'DAY', label: 'Today' }]}
        selected="custom"
        range={{ from: '2026-12-01T00:00:00Z', to: '2026-12-02T12:30:00Z' }}
        timeZone="UTC"
      />,
    );
    expect(attrsOf(html, /<option[^>]*selected[^>]*>/).value).toBe('custom');
    expect(attrsOf(html, /<input[^>]*name="from"[^>]*>/).value).toBe('2026-12-01 00:00');
    expect(attrsOf(html, /<input[^>]*name="to"[^>]*>/).value).toBe('2026-12-02 12:30');
  });
});
