import type { Granularity } from './types';

const STEP_MS: Record<Granularity, number> = {
  MINUTE: 60_000,
  HOUR: 3_600_000,
  DAY: 86_400_000,
  WEEK: 7 * 86_400_000,
  MONTH: 30 * 86_400_000,
};

/**
 * Spreads the API's buckets (it leaves out empty ones) over evenly spaced slots covering [from, to), so a
 * chart shows quiet times as gaps. Sub-day buckets go to the slot they start in (zones with :30 or :45
 * offsets start mid-slot); day and longer buckets to the nearest slot (DST days are 23 or 25 hours).
 * @example fillSlots([{ t: '…T10:00Z', v: 5 }], { from: '…T09:00Z', to: '…T12:00Z' }, 'HOUR') // 3 slots, one with 5
 */
export function fillSlots(
  points: { t: string; v: number }[],
  range: { from: string; to: string },
  granularity: Granularity,
): { t: string; v: number }[] {
  const step = STEP_MS[granularity];
  const from = Date.parse(range.from);
  const count = Math.max(1, Math.ceil((Date.parse(range.to) - from) / step));
  const slots = Array.from({ length: count }, (_, i) => ({ t: new Date(from + i * step).toISOString(), v: 0 }));
  const toSlot = step >= 86_400_000 ? Math.round : Math.floor;
  for (const p of points) {
    const i = Math.min(count - 1, Math.max(0, toSlot((Date.parse(p.t) - from) / step)));
    slots[i]!.v += p.v;
  }
  return slots;
}
