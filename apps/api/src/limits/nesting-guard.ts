import { GraphQLError } from 'graphql';

/**
 * The deepest bracket nesting ({ ( [) in a GraphQL document, ignoring strings, block strings and comments.
 * A single linear scan without recursion: it answers for a 2,000-level query that would overflow
 * graphql-js's recursive parser. Stops counting once `bound` is passed.
 */
export function textNesting(query: string, bound: number): number {
  let depth = 0;
  let deepest = 0;
  const n = query.length;
  for (let i = 0; i < n; i++) {
    const c = query.charCodeAt(i);
    if (c === 123 || c === 40 || c === 91) {
      // { ( [
      depth++;
      if (depth > deepest) {
        deepest = depth;
        if (deepest > bound) return deepest;
      }
    } else if (c === 125 || c === 41 || c === 93) {
      // } ) ]
      if (depth > 0) depth--;
    } else if (c === 35) {
      // # comment to the end of the line
      while (i < n && query.charCodeAt(i) !== 10 && query.charCodeAt(i) !== 13) i++;
    } else if (c === 34) {
      // "string" or """block string"""
      if (query.startsWith('"""', i)) {
        i += 3;
        while (i < n && !query.startsWith('"""', i))
          i += query.charCodeAt(i) === 92 && query.startsWith('"""', i + 1) ? 4 : 1;
        i += 2;
      } else {
        i++;
        while (i < n && query.charCodeAt(i) !== 34 && query.charCodeAt(i) !== 10)
          i += query.charCodeAt(i) === 92 ? 2 : 1;
      }
    }
  }
  return deepest;
}

/**
 * Whether a JSON value nests deeper than `bound` (objects and arrays), checked with an explicit stack so a
 * hostile value cannot overflow the checker either. It walks every trackUsage batch (1,000 objects), so it
 * allocates little per value: two parallel stacks rather than a [value, depth] pair per object, children
 * read in place rather than copied out by Object.values, and the own-property test only for the children
 * that are objects (the scalars of an event need none).
 */
export function jsonDeeperThan(value: unknown, bound: number): boolean {
  if (value === null || typeof value !== 'object') return false;
  const values: object[] = [value];
  const depths: number[] = [1];
  while (values.length > 0) {
    const item = values.pop() as Record<string, unknown>;
    const depth = depths.pop() as number;
    if (depth > bound) return true;
    if (Array.isArray(item)) {
      for (let i = 0; i < item.length; i++) {
        const child: unknown = item[i];
        if (child !== null && typeof child === 'object') {
          values.push(child);
          depths.push(depth + 1);
        }
      }
    } else {
      for (const key in item) {
        const child = item[key];
        // Own properties only, as Object.values reads them.
        if (child !== null && typeof child === 'object' && Object.hasOwn(item, key)) {
          values.push(child);
          depths.push(depth + 1);
        }
      }
    }
  }
  return false;
}

/**
 * The error for a request refused before parsing: BAD_USER_INPUT with `extensions.limit: 'depth'`, HTTP 400.
 * Created without a cause, so nothing is logged as an internal error.
 */
export function nestingError(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', limit: 'depth', http: { status: 400 } } });
}

/**
 * Checks a request's query text and JSON parts against the nesting bounds; the error to answer, or null.
 * @example const refusal = checkNesting(params, DEFAULT_LIMITS)
 */
export function checkNesting(
  params: { query?: unknown; variables?: unknown; extensions?: unknown },
  limits: { maxNesting: number; maxJsonDepth: number },
): GraphQLError | null {
  if (typeof params.query === 'string' && textNesting(params.query, limits.maxNesting) > limits.maxNesting) {
    return nestingError(`The document nests brackets more than ${limits.maxNesting} deep; it was not parsed.`);
  }
  if (jsonDeeperThan(params.variables, limits.maxJsonDepth) || jsonDeeperThan(params.extensions, limits.maxJsonDepth)) {
    return nestingError(`JSON values may nest at most ${limits.maxJsonDepth} levels deep.`);
  }
  return null;
}
