import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, type TestApi } from './support/harness.js';

// setStorageLevel takes an optional idempotency id: a client whose answer was lost resends the same report,
// and the second one adds no event (the level and the event count stay as after the first).

const SET = `mutation Set($id: ID, $bytes: SafeInt!, $at: DateTime) {
  setStorageLevel(id: $id, backend: "vol", backendType: LOCAL, bytes: $bytes, at: $at) { currentStorageUsageBytes }
}`;
const COUNT = '{ usage(backend: "vol", resourceType: STORAGE_USED) { totalCount nodes { id amount } } }';

describe('setStorageLevel with an id', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await createTestApi();
  });
  afterAll(() => api.close());

  it('a resend with the same id is not stored again', async () => {
    const at = new Date(Date.now() - 60_000).toISOString();
    for (let i = 0; i < 3; i++) {
      const r = await api.execute<{ setStorageLevel: { currentStorageUsageBytes: number } }>(SET, {
        id: 'level-7',
        bytes: 4096,
        at,
      });
      expect(r.errors).toBeUndefined();
      expect(r.data?.setStorageLevel.currentStorageUsageBytes).toBe(4096);
    }
    const count = await api.execute<{ usage: { totalCount: number; nodes: { id: string; amount: number }[] } }>(COUNT);
    expect(count.errors).toBeUndefined();
    expect(count.data?.usage).toEqual({ totalCount: 1, nodes: [{ id: 'level-7', amount: 4096 }] });

    // Without an id each call is its own report.
    await api.execute(SET, { bytes: 4096 });
    await api.execute(SET, { bytes: 4096 });
    const after = await api.execute<{ usage: { totalCount: number } }>(COUNT);
    expect(after.data?.usage.totalCount).toBe(3);
  });

  it('refuses an id that is not a valid idempotency key, storing nothing', async () => {
    const r = await api.execute(SET, { id: '', bytes: 1 });
    expect(r.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const count = await api.execute<{ usage: { totalCount: number } }>(COUNT);
    expect(count.data?.usage.totalCount).toBe(3);
  });
});
