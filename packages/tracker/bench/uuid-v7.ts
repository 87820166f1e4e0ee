import { randomBytes } from 'node:crypto';

/**
 * A UUIDv7 (RFC 9562) for time `ms`: 48-bit big-endian milliseconds, version 7, variant 10, random rest.
 * Used to give benchmark events realistic, time-ordered idempotency keys.
 */
export function uuidV7(ms: number): string {
  const b = randomBytes(16);
  b.writeUIntBE(ms, 0, 6);
  b[6] = (b[6]! & 0x0f) | 0x70;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
