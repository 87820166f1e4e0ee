import { describe, expect, it } from 'vitest';
import { s3CallClass } from '../../src/pricing/index.js';

describe('S3/R2 call classes', () => {
  it.each([
    ['PutObject', 'a'],
    ['PutObjectCommand', 'a'],
    ['CopyObject', 'a'],
    ['ListObjectsV2', 'a'],
    ['ListBuckets', 'a'],
    ['ListParts', 'a'],
    ['ListMultipartUploads', 'a'],
    ['CreateMultipartUpload', 'a'],
    ['UploadPart', 'a'],
    ['UploadPartCopy', 'a'],
    ['CompleteMultipartUpload', 'a'],
    ['PutBucketCors', 'a'],
    ['GetObject', 'b'],
    ['GetObjectCommand', 'b'],
    ['HeadObject', 'b'],
    ['HeadBucket', 'b'],
    ['GetBucketLocation', 'b'],
    ['SelectObjectContent', 'b'],
    ['DeleteObject', 'free'],
    ['DeleteObjects', 'free'],
    ['DeleteObjectsCommand', 'free'],
    ['AbortMultipartUpload', 'free'],
    ['DeleteBucket', 'free'],
  ])('%s is class %s', (command, expected) => {
    expect(s3CallClass(command)).toBe(expected);
  });

  it.each(['WriteGetObjectResponse', 'CreateSession', 'Command', '', 'toString', 'Listen', 'putObject'])(
    '%j is unclassified',
    (command) => {
      expect(s3CallClass(command)).toBeNull();
    },
  );
});
