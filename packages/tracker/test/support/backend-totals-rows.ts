import { readStore, type StoreOptions } from './stores.js';

/** One backend_totals row, or the same sums taken from the day rollups, as plain numbers. */
export interface TotalsRow {
  backend: string;
  resource: number;
  total: number;
  count: number;
  failures: number;
}

/**
 * What backend_totals holds, and what it must hold: the day rollups (level 4) of the counted resources
 * (bandwidth_upload 1, bandwidth_download 2, api_calls 4, operation_cost 5) summed per backend and resource.
 * Read through a separate connection, by backend name (comparable across stores whose ids differ).
 */
export async function backendTotalsRows(store: StoreOptions): Promise<{ kept: TotalsRow[]; summed: TotalsRow[] }> {
  return readStore(store, async (query) => {
    const rows = async (text: string) =>
      (await query<Record<string, unknown>>(text)).map(
        (r): TotalsRow => ({
          backend: String(r.backend),
          resource: Number(r.resource),
          total: Number(r.total),
          count: Number(r.count),
          failures: Number(r.failures),
        }),
      );
    const kept = await rows(`select b.name as backend, t.resource, t.total, t.count, t.failures
      from backend_totals t join backends b on b.id = t.backend_id order by b.name, t.resource`);
    const summed = await rows(`select b.name as backend, r.resource, sum(r.total) as total, sum(r.count) as count,
        sum(r.failures) as failures
      from rollups r join backends b on b.id = r.backend_id
      where r.level = 4 and r.resource in (1, 2, 4, 5) group by b.name, r.resource order by b.name, r.resource`);
    return { kept, summed };
  });
}
