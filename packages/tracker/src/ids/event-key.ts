// Idempotency keys are stored compactly: UUIDs and ULIDs as 16 bytes behind a tag byte, anything else as
// UTF-8 behind its own tag, so no two different key strings can share a stored form.
const TAG_UUID = 0;
const TAG_ULID = 1;
const TAG_TEXT = 2;

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ULID_RE = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/;
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const CROCKFORD_VALUE = new Map([...CROCKFORD].map((c, i) => [c, i]));

/**
 * Encodes an idempotency key for storage. Lower-case canonical UUIDs and upper-case ULIDs take the compact
 * form; other spellings are kept as text so the key reads back exactly as given.
 * @example encodeEventKey('0190f5a2-7c4e-7b3a-8f00-000000000001').length // 17
 */
export function encodeEventKey(key: string): Uint8Array {
  if (key.length === 36 && UUID_RE.test(key)) {
    const out = new Uint8Array(17);
    out[0] = TAG_UUID;
    out.set(Buffer.from(key.replaceAll('-', ''), 'hex'), 1);
    return out;
  }
  if (key.length === 26 && ULID_RE.test(key)) {
    const out = new Uint8Array(17);
    out[0] = TAG_ULID;
    // 26 base-32 digits = 130 bits, of which the top 2 are zero (first digit <= 7).
    let acc = 0n;
    for (const c of key) acc = (acc << 5n) | BigInt(CROCKFORD_VALUE.get(c) ?? 0);
    for (let i = 16; i >= 1; i--) {
      out[i] = Number(acc & 0xffn);
      acc >>= 8n;
    }
    return out;
  }
  const text = Buffer.from(key, 'utf8');
  const out = new Uint8Array(text.length + 1);
  out[0] = TAG_TEXT;
  out.set(text, 1);
  return out;
}

/** The key string an encoded key was made from. */
export function decodeEventKey(stored: Uint8Array): string {
  const bytes = Buffer.from(stored.buffer, stored.byteOffset, stored.byteLength);
  const tag = bytes[0];
  if (tag === TAG_UUID) {
    const hex = bytes.subarray(1).toString('hex');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }
  if (tag === TAG_ULID) {
    let acc = 0n;
    for (let i = 1; i <= 16; i++) acc = (acc << 8n) | BigInt(bytes[i] ?? 0);
    let out = '';
    for (let i = 0; i < 26; i++) {
      out = CROCKFORD[Number(acc & 31n)] + out;
      acc >>= 5n;
    }
    return out;
  }
  return bytes.subarray(1).toString('utf8');
}

/** Map key for de-duplicating encoded keys in memory. */
export function eventKeyHex(stored: Uint8Array): string {
  return Buffer.from(stored.buffer, stored.byteOffset, stored.byteLength).toString('hex');
}

/**
 * eventKeyHex(encodeEventKey(key)) without the bytes in between: a lower-case canonical UUID's stored form
 * is its tag byte and its hex digits (the common key, an SDK's UUIDv7), any other key goes through the bytes.
 * @example encodedKeyHex('0190f5a2-7c4e-7b3a-8f00-000000000001') // '000190f5a27c4e7b3a8f00000000000001'
 */
export function encodedKeyHex(key: string): string {
  if (key.length === 36 && UUID_RE.test(key)) {
    return `00${key.slice(0, 8)}${key.slice(9, 13)}${key.slice(14, 18)}${key.slice(19, 23)}${key.slice(24)}`;
  }
  return eventKeyHex(encodeEventKey(key));
}
