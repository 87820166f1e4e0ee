import { readFileSync } from 'node:fs';
import { buildSchema, introspectionFromSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { introspection } from '../src/graphql/introspection.js';

// The committed introspection must describe apps/api/schema.graphql; `pnpm --filter @bytemeter/client introspection` regenerates it.

interface TypeRef {
  kind: string;
  name?: string | null;
  ofType?: TypeRef | null;
}
interface Field {
  name: string;
  type: TypeRef;
  args?: { name: string; type: TypeRef }[];
}

function typeName(t: TypeRef): string {
  if (t.kind === 'NON_NULL') return `${typeName(t.ofType!)}!`;
  if (t.kind === 'LIST') return `[${typeName(t.ofType!)}]`;
  return t.name ?? '?';
}

type Shape = Record<string, { kind: string; fields: string[]; values: string[] }>;

function shapeOf(
  types: readonly { name: string; kind: string; fields?: unknown; inputFields?: unknown; enumValues?: unknown }[],
): Shape {
  const out: Shape = {};
  for (const t of types) {
    if (t.name.startsWith('__')) continue;
    const fields = ((t.fields ?? t.inputFields ?? []) as Field[]).map(
      (f) =>
        `${f.name}(${(f.args ?? [])
          .map((a) => `${a.name}: ${typeName(a.type)}`)
          .sort()
          .join(', ')}): ${typeName(f.type)}`,
    );
    const values = ((t.enumValues ?? []) as { name: string }[]).map((v) => v.name);
    out[t.name] = { kind: t.kind, fields: fields.sort(), values: values.sort() };
  }
  return out;
}

describe('committed introspection', () => {
  it('matches the API schema it was generated from', () => {
    const sdl = readFileSync(new URL('../../../apps/api/schema.graphql', import.meta.url), 'utf8');
    const fromSchema = introspectionFromSchema(buildSchema(sdl)).__schema;
    const expected = shapeOf(fromSchema.types as never);
    expect(shapeOf(introspection.__schema.types as never)).toEqual(expected);
    expect(Object.keys(expected)).toContain('UsageEventInput');
  });
});
