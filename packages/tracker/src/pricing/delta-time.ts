// The storage byte-time sum of a rollup bucket, Σ delta × (ts − bucket) in byte-ms, is kept as two 64-bit
// limbs (rollups.delta_time_hi × 2^32 + delta_time_lo): one 2^53-byte change late in a day bucket is a
// 2^80 product. Each event adds floor(x / 2^32) to the high limb and x mod 2^32 to the low one, so SQL
// sums them with plain integer addition, exactly, and far below 2^63.

const LIMB = 2n ** 32n;

/** [hi, lo] of a byte-ms sum, each a safe integer for |value| < 2^85. */
export function toLimbs(value: bigint): [number, number] {
  const lo = ((value % LIMB) + LIMB) % LIMB;
  return [Number((value - lo) / LIMB), Number(lo)];
}

/** The byte-ms sum of two stored limbs (read as text: a limb may pass 2^53 after many sums). */
export function fromLimbs(hi: string | number | bigint, lo: string | number | bigint): bigint {
  return BigInt(hi) * LIMB + BigInt(lo);
}
