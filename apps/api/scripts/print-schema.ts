// `pnpm --filter @bytemeter/api schema:print`: writes the served schema to apps/api/schema.graphql.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { printSchema } from 'graphql';
import { schema } from '../src/schema/index.js';

const target = fileURLToPath(new URL('../schema.graphql', import.meta.url));
writeFileSync(target, `${printSchema(schema)}\n`);
process.stdout.write(`wrote ${target}\n`);
