// ICU still lists some zones under their old names; offer the current IANA names instead.
const RENAMED: Record<string, string> = {
  'Asia/Calcutta': 'Asia/Kolkata',
  'Asia/Katmandu': 'Asia/Kathmandu',
  'Asia/Saigon': 'Asia/Ho_Chi_Minh',
  'Asia/Rangoon': 'Asia/Yangon',
  'Europe/Kiev': 'Europe/Kyiv',
  'Atlantic/Faeroe': 'Atlantic/Faroe',
  'America/Godthab': 'America/Nuuk',
};

/**
 * Every IANA zone this runtime knows (current names), UTC first, plus `selected` when it is an alias.
 * @example timeZones()[0] // 'UTC'
 */
export function timeZones(selected?: string): string[] {
  const zones = Intl.supportedValuesOf('timeZone').map((z) => RENAMED[z] ?? z);
  if (selected && selected !== 'UTC' && !zones.includes(selected)) zones.push(selected);
  return ['UTC', ...zones.filter((z) => z !== 'UTC').sort()];
}

/**
 * The zone asked for when it is a valid IANA name (under its current name: browsers still report
 * Asia/Calcutta), else UTC. @example parseTimeZone('Asia/Calcutta') // 'Asia/Kolkata'
 */
export function parseTimeZone(value: string | undefined): string {
  if (!value) return 'UTC';
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
    return RENAMED[value] ?? value;
  } catch {
    return 'UTC';
  }
}

/** The first value of a search parameter. @example first(searchParams.tz) */
export function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
