import { pgArrayParameter } from './pg-array-literal.js';

/**
 * A string as a PostgreSQL literal, for statements sent without parameters (db/pg-script.ts): quotes
 * doubled; text with a backslash in the E'' form, its backslashes doubled (as `pg`'s escapeLiteral), so
 * the literal means the same whatever standard_conforming_strings says.
 * @example sqlString("it's") // "'it''s'"
 */
export function sqlString(text: string): string {
  const quoted = text.replaceAll("'", "''");
  return text.includes('\\') ? ` E'${quoted.replaceAll('\\', '\\\\')}'` : `'${quoted}'`;
}

/**
 * One column's values as a typed array literal, `'{1,2,NULL}'::bigint[]`: the text pgArrayParameter builds
 * for an `unnest($n::type[])` parameter, written into the statement instead. Integer and text columns only.
 * @example sqlArray('bigint', [1, null]) // "'{1,NULL}'::bigint[]"
 */
export function sqlArray(type: string, values: readonly unknown[]): string {
  const literal = pgArrayParameter(type, values);
  if (typeof literal !== 'string') throw new Error(`sqlArray: values of a ${type} column that are not literals`);
  return `${sqlString(literal)}::${type}[]`;
}
