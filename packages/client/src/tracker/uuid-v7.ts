// Monotonic within this process: ids made in the same millisecond count up in the 12-bit rand_a field
// (RFC 9562 §6.2, method 1), so their order is the order they were made.
let lastMs = -1;
let sequence = 0;

function hex(bytes: Uint8Array, from: number, to: number): string {
  let out = '';
  for (let i = from; i < to; i++) out += (bytes[i] ?? 0).toString(16).padStart(2, '0');
  return out;
}

/**
 * A time-ordered UUID version 7 in lower-case canonical form (the tracker stores those in 17 bytes).
 * Uses Web Crypto, so it runs in Node and browsers.
 * @example uuidv7() // '0193a6f0-2b1c-7d3e-8f00-5a6b7c8d9e0f'
 */
export function uuidv7(now: number = Date.now()): string {
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  let ms = Math.floor(now);
  if (ms > lastMs) {
    // Start low in the counter space so many ids in one millisecond still fit.
    sequence = ((bytes[6] ?? 0) << 4) & 0x3ff;
  } else {
    ms = lastMs;
    sequence += 1;
    if (sequence > 0xfff) {
      ms = lastMs + 1;
      sequence = 0;
    }
  }
  lastMs = ms;
  let t = ms;
  for (let i = 5; i >= 0; i--) {
    bytes[i] = t % 256;
    t = Math.floor(t / 256);
  }
  bytes[6] = 0x70 | (sequence >> 8);
  bytes[7] = sequence & 0xff;
  bytes[8] = 0x80 | ((bytes[8] ?? 0) & 0x3f);
  return `${hex(bytes, 0, 4)}-${hex(bytes, 4, 6)}-${hex(bytes, 6, 8)}-${hex(bytes, 8, 10)}-${hex(bytes, 10, 16)}`;
}
