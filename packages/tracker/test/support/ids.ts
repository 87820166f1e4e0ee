import { randomBytes, randomUUID } from 'node:crypto';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * A ULID (48-bit time, 80 random bits, Crockford base 32), written here so the test depends on no id library.
 * @example ulid(Date.now()) // '01JD…' (26 characters)
 */
export function ulid(time: number): string {
  let out = '';
  let t = time;
  for (let i = 0; i < 10; i++) {
    out = CROCKFORD[t % 32] + out;
    t = Math.floor(t / 32);
  }
  const bytes = randomBytes(16);
  for (let i = 0; i < 16; i++) out += CROCKFORD[bytes[i]! % 32];
  return out;
}

/** A UUIDv7-shaped id (time-ordered), lower case. */
export function uuidV7(time: number): string {
  const hex = time.toString(16).padStart(12, '0');
  const rest = randomUUID().replaceAll('-', '').slice(12);
  const v = `${hex}7${rest.slice(1, 4)}${((Number.parseInt(rest[4]!, 16) & 0x3) | 0x8).toString(16)}${rest.slice(5, 20)}`;
  return `${v.slice(0, 8)}-${v.slice(8, 12)}-${v.slice(12, 16)}-${v.slice(16, 20)}-${v.slice(20, 32)}`;
}

export { randomUUID };
