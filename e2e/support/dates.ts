// The dashboard's one date format, as the specs type it into its 24-hour date fields.

/**
 * An instant as a UTC date field value, "YYYY-MM-DD HH:mm" (seconds dropped).
 * @example fieldValue(new Date('2026-12-03T14:05:09Z')) // '2026-12-03 14:05'
 */
export function fieldValue(instant: Date | number, offsetMs = 0): string {
  const wall = new Date(new Date(instant).getTime() + offsetMs).toISOString();
  return `${wall.slice(0, 10)} ${wall.slice(11, 16)}`;
}
