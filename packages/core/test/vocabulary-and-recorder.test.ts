import { afterEach, describe, expect, it } from 'vitest';
import {
  BACKEND_TYPES,
  BytemeterError,
  formatAmount,
  formatCalls,
  formatMbps,
  fromGraphQLEnum,
  getDefaultRecorder,
  provideDefaultRecorder,
  RESOURCE_TYPES,
  setDefaultRecorder,
  toGraphQLEnum,
  type UsageRecorder,
} from '../src/index.js';

describe('the GraphQL spelling of core words', () => {
  it('round-trips every backend and resource type, and refuses what is not in the list', () => {
    for (const word of [...BACKEND_TYPES, ...RESOURCE_TYPES]) {
      expect(fromGraphQLEnum(toGraphQLEnum(word), [...BACKEND_TYPES, ...RESOURCE_TYPES])).toBe(word);
    }
    expect(toGraphQLEnum('bandwidth_upload')).toBe('BANDWIDTH_UPLOAD');
    expect(fromGraphQLEnum('DROPBOX', BACKEND_TYPES)).toBeUndefined();
  });
});

describe('counts and rates', () => {
  it('says "1 call" and "2 calls" in either spelling of the resource', () => {
    expect(formatCalls(1)).toBe('1 call');
    expect(formatCalls(2)).toBe('2 calls');
    expect(formatAmount('API_CALLS', 1)).toBe('1 call');
    expect(formatAmount('api_calls', 12_345)).toBe('12,345 calls');
    expect(formatAmount('OPERATION_COST', 2_500)).toBe('$0.0025');
    expect(formatMbps(1.234)).toBe('1.23 Mbps');
  });
});

describe('the default recorder', () => {
  afterEach(() => setDefaultRecorder(undefined));

  it('is the one set, else the provided one (resolved lazily), else a clear error', () => {
    const calls: string[] = [];
    const fake = (name: string) =>
      ({
        trackApiCall: () => calls.push(name),
      }) as unknown as UsageRecorder;
    // No provider registered yet in this process: a typed error that says what to do.
    expect(() => getDefaultRecorder()).toThrow(BytemeterError);
    expect(() => getDefaultRecorder()).toThrow(/createRemoteTracker|setDefaultRecorder/);
    let provided = 0;
    provideDefaultRecorder(() => {
      provided += 1;
      return fake('provided');
    });
    expect(provided).toBe(0);
    getDefaultRecorder().trackApiCall('b', 's3');
    setDefaultRecorder(fake('chosen'));
    getDefaultRecorder().trackApiCall('b', 's3');
    setDefaultRecorder(undefined);
    getDefaultRecorder().trackApiCall('b', 's3');
    expect(calls).toEqual(['provided', 'chosen', 'provided']);
  });
});
