import { buildClientSchema, getIntrospectionQuery, type IntrospectionQuery, printSchema } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schema } from '../src/schema/index.js';
import { codes, createTestApi, type TestApi } from './support/harness.js';

// Limits come from @escape.tech/graphql-armor plus this API's nesting guard: standard introspection is
// answered, hostile documents are refused with BAD_USER_INPUT and `extensions.limit` before they run.

const FULL_INTROSPECTION = getIntrospectionQuery({
  descriptions: true,
  specifiedByUrl: true,
  directiveIsRepeatable: true,
  schemaDescription: true,
  inputValueDeprecation: true,
  oneOf: true,
});

describe('query limits', () => {
  let api: TestApi;
  let closed: TestApi;
  let stderr: string[];
  const write = process.stderr.write.bind(process.stderr);
  beforeAll(async () => {
    api = await createTestApi();
    closed = await createTestApi({ limits: { introspection: false } });
    stderr = [];
    process.stderr.write = ((chunk: string) => {
      stderr.push(String(chunk));
      return true;
    }) as typeof process.stderr.write;
  });
  afterAll(async () => {
    process.stderr.write = write;
    await api.close();
    await closed.close();
  });

  it("answers graphql's own introspection query with every option on", async () => {
    const r = await api.execute<IntrospectionQuery>(FULL_INTROSPECTION);
    expect(r.status).toBe(200);
    expect(r.errors).toBeUndefined();
    expect(printSchema(buildClientSchema(r.data as IntrospectionQuery))).toBe(printSchema(schema));
  });

  it('refuses introspection when it is turned off, and still answers other queries', async () => {
    const r = await closed.execute(FULL_INTROSPECTION);
    expect(r.data ?? null).toBeNull();
    expect(codes(r)).toContain('BAD_USER_INPUT');
    expect(codes(await closed.execute('{ __type(name: "Query") { name } }'))).toEqual(['BAD_USER_INPUT']);
    expect(await closed.execute('{ backends { name } }')).toMatchObject({ status: 200, data: { backends: [] } });
  });

  it('refuses a 12-deep user query and accepts a 10-deep one', async () => {
    // `{ __typename }` nests one level; nested inline fragments add none, nested fields one each.
    expect((await api.execute('{ backends { status { backend } } }')).errors).toBeUndefined();
    let deep = 'x';
    for (let i = 0; i < 11; i++) deep = `x { ${deep} }`;
    const r = await api.execute(`{ ${deep} }`);
    expect(r.status).toBe(400);
    expect(r.errors?.find((e) => e.extensions?.limit === 'depth')?.message).toBe(
      'Query depth limit of 10 exceeded, found 12.',
    );
  });

  it('refuses too many tokens and too many directives', async () => {
    const tokens = await api.execute(`{ ${'__typename '.repeat(2100)} }`);
    expect(tokens.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', limit: 'tokens' });
    const directives = await api.execute(`{ __typename ${'@include(if: true) '.repeat(60)} }`);
    expect(directives.errors?.map((e) => e.extensions?.limit)).toContain('directives');
    expect(new Set(codes(directives))).toEqual(new Set(['BAD_USER_INPUT']));
  });

  it('refuses a 2,000-level query and a 3,000-deep literal before parsing, with nothing logged', async () => {
    const before = stderr.length;
    const query = `${'{ a '.repeat(2000)}${'}'.repeat(2000)}`;
    const literal = `mutation { trackUsage(events: [{ backend: "b", backendType: S3, resourceType: API_CALL, amount: 1, metadata: ${'['.repeat(3000)}${']'.repeat(3000)} }]) { accepted } }`;
    for (const deep of [query, literal]) {
      const r = await api.execute(deep);
      expect(r.status).toBe(400);
      expect(r.errors).toEqual([
        {
          message: 'The document nests brackets more than 64 deep; it was not parsed.',
          extensions: { code: 'BAD_USER_INPUT', limit: 'depth' },
        },
      ]);
    }
    // Brackets inside strings and comments do not count.
    const quoted = await api.execute(`{ __typename } # ${'{'.repeat(100)}\n`);
    expect(quoted.errors).toBeUndefined();
    expect(stderr.slice(before).join('')).toBe('');
  });

  it('refuses variables nested deeper than 32 levels', async () => {
    let metadata: unknown = 1;
    for (let i = 0; i < 40; i++) metadata = { m: metadata };
    const r = await api.execute('mutation T($e: [UsageEventInput!]!) { trackUsage(events: $e) { accepted } }', {
      e: [{ backend: 'b', backendType: 'S3', resourceType: 'API_CALL', amount: 1, metadata }],
    });
    expect(r.status).toBe(400);
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', limit: 'depth' });
    expect(await api.execute('{ usage { totalCount } }')).toMatchObject({ data: { usage: { totalCount: 0 } } });
  });

  it('answers an unknown operationName with BAD_USER_INPUT, inside the documented code set', async () => {
    const r = await api.yoga.fetch('http://yoga/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'query A { __typename } query B { __typename }', operationName: 'C' }),
    });
    const body = (await r.json()) as { errors: { extensions: Record<string, unknown> }[] };
    expect(body.errors[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      graphqlCode: 'OPERATION_RESOLUTION_FAILURE',
    });
  });
});
