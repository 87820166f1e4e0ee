// Byte amounts as people type them, with an optional decimal or binary unit: shared by the CLI
// (`track upload 5MiB`) and budget limits (`500GiB`, parseBudgetLimit).

const BYTE_UNITS: Record<string, number> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  pb: 1e15,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
  tib: 2 ** 40,
  pib: 2 ** 50,
};

/**
 * A whole number of bytes from text with an optional unit (B, KB…PB, KiB…PiB, any case, a space before it
 * allowed, `_` as a digit separator), a leading `-` allowed; null when it is not one (a fraction of a byte
 * left over, a number past 2^53 − 1, an unknown unit). Callers word their own error.
 * @example parseByteSize('1.5KiB') // 1536
 * @example parseByteSize('1.001KB') // 1001
 * @example parseByteSize('2 PB') // 2_000_000_000_000_000
 * @example parseByteSize('1.5') // null
 */
export function parseByteSize(text: string): number | null {
  const match = /^(-?)(\d+)(?:\.(\d+))?\s*([a-z]*)$/i.exec(text.trim().replaceAll('_', ''));
  const unit = BYTE_UNITS[(match?.[4] || 'b').toLowerCase()];
  if (!match || unit === undefined) return null;
  // In BigInt, not floats: 1.001 * 1000 is 1000.9999999999999, and a float rounds a fraction away past 2^53.
  // The digits read as (integer · 10^k + fraction) / 10^k, times the unit, must come out whole.
  const fraction = match[3] ?? '';
  const scale = 10n ** BigInt(fraction.length);
  const scaled = (BigInt(match[2] as string) * scale + BigInt(fraction || '0')) * BigInt(unit);
  if (scaled % scale !== 0n) return null;
  const bytes = scaled / scale;
  if (bytes > BigInt(Number.MAX_SAFE_INTEGER)) return null;
  return match[1] && bytes !== 0n ? -Number(bytes) : Number(bytes);
}
