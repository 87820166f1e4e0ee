// Monotonic within this process: ids made in the same millisecond count up in the 12-bit rand_a field
// (RFC 9562 §6.2, method 1), so their order is the order they were made.
let lastMs = -1;
let sequence = 0;

// Web Crypto costs microseconds per call: draw random bytes for 256 ids at once.
const POOL_IDS = 256;
const pool = new Uint8Array(16 * POOL_IDS);
let poolIndex = POOL_IDS;

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

// Ids made in one millisecond share their first 14 characters (the time stamp): made once per millisecond.
let prefixMs = -1;
let prefix = '';

/**
 * A time-ordered UUID version 7 in lower-case canonical form (the tracker stores those in 17 bytes).
 * Uses Web Crypto, so it runs in Node and browsers.
 * @example uuidv7() // '0193a6f0-2b1c-7d3e-8f00-5a6b7c8d9e0f'
 */
export function uuidv7(now: number = Date.now()): string {
  if (poolIndex === POOL_IDS) {
    globalThis.crypto.getRandomValues(pool);
    poolIndex = 0;
  }
  const r = pool.subarray(poolIndex * 16, poolIndex * 16 + 16);
  poolIndex += 1;
  let ms = Math.floor(now);
  if (ms > lastMs) {
    // Start low in the counter space so many ids in one millisecond still fit.
    sequence = ((r[6] ?? 0) << 4) & 0x3ff;
  } else {
    ms = lastMs;
    sequence += 1;
    if (sequence > 0xfff) {
      ms = lastMs + 1;
      sequence = 0;
    }
  }
  lastMs = ms;
  const h = (n: number) => HEX[n & 0xff] as string;
  if (ms !== prefixMs) {
    // 48-bit millisecond time stamp, big-endian: the high 16 bits and the low 32 bits.
    const high = Math.floor(ms / 0x1_0000_0000);
    const low = ms >>> 0;
    prefix = `${h(high >>> 8)}${h(high)}${h(low >>> 24)}${h(low >>> 16)}-${h(low >>> 8)}${h(low)}-`;
    prefixMs = ms;
  }
  return (
    prefix +
    h(0x70 | (sequence >>> 8)) +
    h(sequence) +
    '-' +
    h(0x80 | ((r[8] ?? 0) & 0x3f)) +
    h(r[9] ?? 0) +
    '-' +
    h(r[10] ?? 0) +
    h(r[11] ?? 0) +
    h(r[12] ?? 0) +
    h(r[13] ?? 0) +
    h(r[14] ?? 0) +
    h(r[15] ?? 0)
  );
}
