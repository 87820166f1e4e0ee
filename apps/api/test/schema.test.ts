import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildSchema, findBreakingChanges, printSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { schema } from '../src/schema/index.js';

const contractPath = fileURLToPath(new URL('../../../../shared/contract/schema.graphql', import.meta.url));
const committedPath = fileURLToPath(new URL('../schema.graphql', import.meta.url));

describe('served schema', () => {
  it('has no breaking change against the contract', () => {
    const contract = buildSchema(readFileSync(contractPath, 'utf8'));
    expect(findBreakingChanges(contract, schema)).toEqual([]);
  });

  it('matches the committed schema.graphql (run `pnpm --filter @bytemeter/api schema:print` when this fails)', () => {
    expect(readFileSync(committedPath, 'utf8')).toBe(`${printSchema(schema)}\n`);
  });
});
