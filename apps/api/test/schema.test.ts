import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildSchema, findBreakingChanges, printSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { schema } from '../src/schema/index.js';

// The contract lives in the team's shared folder beside the repo; a copy is committed so a clone on its own
// still checks it, and the copy is compared with the shared original wherever that is present.
const vendoredPath = fileURLToPath(new URL('../contract/schema.graphql', import.meta.url));
const sharedPath = fileURLToPath(new URL('../../../../shared/contract/schema.graphql', import.meta.url));
const committedPath = fileURLToPath(new URL('../schema.graphql', import.meta.url));

describe('served schema', () => {
  it('has no breaking change against the contract', () => {
    const contract = buildSchema(readFileSync(vendoredPath, 'utf8'));
    expect(findBreakingChanges(contract, schema)).toEqual([]);
  });

  it.runIf(existsSync(sharedPath))('uses a contract copy identical to the shared contract', () => {
    expect(readFileSync(vendoredPath, 'utf8')).toBe(readFileSync(sharedPath, 'utf8'));
  });

  it('matches the committed schema.graphql (run `pnpm --filter @bytemeter/api schema:print` when this fails)', () => {
    expect(readFileSync(committedPath, 'utf8')).toBe(`${printSchema(schema)}\n`);
  });
});
