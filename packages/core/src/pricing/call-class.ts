// The S3/R2 price class of an S3 API command. Both providers bill by request kind: writes and listings
// (PUT, COPY, POST, LIST) are class A, reads and the rest (GET, HEAD, SELECT) class B, deletes and aborted
// uploads are free. Known commands are listed; other commands fall back on their verb, which maps to the
// HTTP method S3 bills by (Put…/List… → A, Get…/Head… → B, Delete… → free). Anything else is unclassified.

import { ApiCallClass } from '../vocabulary.js';

const EXACT: Readonly<Record<string, ApiCallClass>> = {
  PutObject: 'a',
  CopyObject: 'a',
  PostObject: 'a',
  CreateMultipartUpload: 'a',
  UploadPart: 'a',
  UploadPartCopy: 'a',
  CompleteMultipartUpload: 'a',
  CreateBucket: 'a',
  RestoreObject: 'a',
  GetObject: 'b',
  HeadObject: 'b',
  HeadBucket: 'b',
  SelectObjectContent: 'b',
  DeleteObject: 'free',
  DeleteObjects: 'free',
  AbortMultipartUpload: 'free',
  DeleteBucket: 'free',
};

const BY_VERB: readonly [RegExp, ApiCallClass][] = [
  [/^(Put|List)[A-Z]/, ApiCallClass.A],
  [/^(Get|Head)[A-Z]/, ApiCallClass.B],
  [/^Delete[A-Z]/, ApiCallClass.FREE],
];

/**
 * The price class of an S3 command by name (with or without the SDK's "Command" suffix); null when it is
 * not known, which prices the call at a plan's unclassified rate.
 * @example s3CallClass('PutObjectCommand') // 'a'
 * @example s3CallClass('ListObjectsV2') // 'a'
 * @example s3CallClass('HeadObject') // 'b'
 * @example s3CallClass('AbortMultipartUpload') // 'free'
 * @example s3CallClass('WriteGetObjectResponse') // null
 */
export function s3CallClass(command: string): ApiCallClass | null {
  const name = command.endsWith('Command') ? command.slice(0, -'Command'.length) : command;
  const exact = Object.hasOwn(EXACT, name) ? EXACT[name] : undefined;
  if (exact) return exact;
  for (const [pattern, callClass] of BY_VERB) if (pattern.test(name)) return callClass;
  return null;
}
