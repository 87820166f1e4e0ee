import { toGraphQLEnum } from '@bytemeter/core';

// The API speaks core's words in upper case (GraphQL enums); core's converters are the one mapping. The
// server answers only words of its schema, so lower-casing is the whole conversion back.

/** A server enum in the tracker's spelling ("S3" → "s3"). */
export const lower = <T extends string>(value: string) => value.toLowerCase() as T;

/** A tracker word as the server's enum ("bandwidth_upload" → "BANDWIDTH_UPLOAD"). */
export const upper = toGraphQLEnum;

/** An explicit from/to as the API's TimeRange (to defaults to now); undefined when no range was asked for. */
export function range(q: { from?: Date; to?: Date }, now: number): { from: string; to: string } | undefined {
  return q.from ? { from: q.from.toISOString(), to: (q.to ?? new Date(now)).toISOString() } : undefined;
}
