// `pg` encodes an array parameter element by element, every number through toString, a quoting regex pass
// and a second one for quotes (pg/lib/utils.js escapeElement): ~7% of an API replica's CPU in a profile of
// ingest, where a flush sends each column of up to 5,000 rows as one array. The literal built here is the
// text the server parses either way, minus the quotes a number never needs.

/** Types whose elements are written bare: a JS number's or bigint's decimal text is the integer's literal. */
const INTEGER_TYPES: ReadonlySet<string> = new Set(['bigint', 'smallint', 'integer']);

const NEEDS_ESCAPE = /["\\]/;

/** A text element, quoted by PostgreSQL's array rules: inside double quotes only `"` and `\` are escaped. */
function quoted(text: string): string {
  return NEEDS_ESCAPE.test(text) ? `"${text.replace(/["\\]/g, '\\$&')}"` : `"${text}"`;
}

/**
 * One column's values as the PostgreSQL array literal of an `unnest($n::type[])` parameter, for integer
 * and text columns whose values are all numbers (or bigints) or strings, null for NULL; any other type or
 * value returns the array unchanged, for `pg` to encode as before. Either way the server stores the same.
 * @example pgArrayParameter('bigint', [1, null, 3]) // '{1,NULL,3}'
 * @example pgArrayParameter('text', ['a,b', 'NULL', '']) // '{"a,b","NULL",""}'
 */
export function pgArrayParameter(type: string, values: readonly unknown[]): string | readonly unknown[] {
  if (INTEGER_TYPES.has(type)) {
    let out = '{';
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (i > 0) out += ',';
      if (typeof v === 'number' || typeof v === 'bigint') out += v;
      else if (v == null) out += 'NULL';
      else return values;
    }
    return `${out}}`;
  }
  if (type === 'text') {
    let out = '{';
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (i > 0) out += ',';
      if (typeof v === 'string') out += quoted(v);
      else if (v == null) out += 'NULL';
      else return values;
    }
    return `${out}}`;
  }
  return values;
}
