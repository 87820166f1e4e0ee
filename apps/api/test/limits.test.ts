import {
  buildClientSchema,
  getIntrospectionQuery,
  type IntrospectionQuery,
  Kind,
  parse,
  print,
  printSchema,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countSelections, DEFAULT_LIMITS } from '../src/limits/query-limits.js';
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

/** The full introspection query's fragments (FullType, InputValue, TypeRef), to build other documents from. */
const FULL_FRAGMENTS = parse(FULL_INTROSPECTION).definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION);

/** Those of the full query's fragments whose names are given. */
const fragments = (...names: string[]) =>
  print({ kind: Kind.DOCUMENT, definitions: FULL_FRAGMENTS.filter((d) => names.includes(d.name.value)) });

/**
 * The review's attack fragment: types → fields → args and type → fields …, expanding to 331 fields inside
 * `__schema` (a 200 KB answer on its own, within the bound); under 20 aliases of `__schema` the answer was
 * about 4 MB and took seconds.
 */
const WALK = `
fragment V on __InputValue { name description defaultValue isDeprecated deprecationReason type { ...T } }
fragment E on __EnumValue { name description isDeprecated deprecationReason }
fragment T on __Type { kind name description specifiedByURL isOneOf enumValues(includeDeprecated: true) { ...E }
  ofType { kind name description enumValues(includeDeprecated: true) { ...E }
    ofType { kind name enumValues(includeDeprecated: true) { ...E } ofType { name kind enumValues(includeDeprecated: true) { ...E } } } } }
fragment S on __Schema { description types { ...T fields(includeDeprecated: true) { name description isDeprecated deprecationReason
  args(includeDeprecated: true) { ...V } type { ...T fields(includeDeprecated: true) { name description args(includeDeprecated: true) { ...V }
  type { ...T } } inputFields(includeDeprecated: true) { ...V } } } inputFields(includeDeprecated: true) { ...V } }
  directives { name description args(includeDeprecated: true) { ...V } } }`;

/** A `__type(name:)` chain `levels` fields deep: real fields that armor's depth limit counts (it skips only `__schema`). */
function typeChain(levels: number): string {
  // __type, fields and type are three levels, the leaf `name` one more; each ofType adds one.
  let inner = 'name';
  for (let i = 0; i < levels - 4; i++) inner = `ofType { ${inner} }`;
  return `{ __type(name: "Query") { fields { type { ${inner} } } } }`;
}

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

  it('refuses a 12-deep query on real fields with the depth code, and accepts a 10-deep one', async () => {
    // The data schema nests at most 4 levels (usageSummary → backends → resources → totalAmount); `__type`
    // chains reach deeper on real fields, and armor's depth counts them like data.
    const data = await api.execute('{ usageSummary { backends { resources { totalAmount } } } }');
    expect(data).toMatchObject({ status: 200, data: { usageSummary: { backends: [] } } });
    const ten = await api.execute<{ __type: { fields: unknown[] } }>(typeChain(10));
    expect(ten.errors).toBeUndefined();
    expect(ten.data?.__type.fields.length).toBeGreaterThan(5);
    const r = await api.execute(typeChain(12));
    expect(r.status).toBe(400);
    expect(r.errors?.map((e) => e.extensions)).toEqual([{ code: 'BAD_USER_INPUT', limit: 'depth' }]);
    expect(r.errors?.[0]?.message).toBe('Query depth limit of 10 exceeded, found 12.');
  });

  it("bounds introspection: graphql's full query selects 230 fields, the bound is 500", () => {
    const full = countSelections(parse(FULL_INTROSPECTION));
    expect(full).toEqual({ fields: 0, introspection: 230, schemas: 1 });
    expect(DEFAULT_LIMITS.maxIntrospectionFields).toBe(500);
    expect(countSelections(parse(`{ __schema { ...S } } ${WALK}`)).introspection).toBe(331);
  });

  it('refuses a chain of fragments spread twice each that ends in a cycle or an unknown fragment, at once', async () => {
    // 30 fragments each spreading the next twice: 2^30 expansions selecting no field, so no count bound is
    // ever passed; counting stopped only at the end of the whole walk (8 s for 25 fragments over HTTP).
    const chain = (end: string) =>
      `{ ...F0 } ${Array.from({ length: 30 }, (_, i) => `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }`).join(' ')} fragment F30 on Query { ${end} }`;
    for (const query of [chain('...F0'), chain('...Missing')]) {
      const r = await api.execute(query);
      expect(r.data ?? null).toBeNull();
      expect(codes(r).length).toBeGreaterThan(0);
      expect(new Set(codes(r))).toEqual(new Set(['BAD_USER_INPUT']));
      expect(r.errors?.some((e) => /fragment/i.test(e.message))).toBe(true);
    }
  }, 5_000);

  it('refuses __schema selected more than once, under aliases or through a fragment, before running it', async () => {
    const aliased = Array.from({ length: 20 }, (_, i) => `a${i}: __schema { ...S }`).join(' ');
    const hidden = '{ __schema { queryType { name } } ...Q } fragment Q on Query { s: __schema { types { name } } }';
    for (const query of [
      `{ ${aliased} } ${WALK}`,
      '{ a: __schema { description } b: __schema { description } }',
      hidden,
    ]) {
      const r = await api.execute(query);
      expect(r.status).toBe(400);
      expect(r.data ?? null).toBeNull();
      expect(r.errors).toEqual([
        {
          message: 'The operation selects __schema more than once; at most once is allowed.',
          extensions: { code: 'BAD_USER_INPUT', limit: 'introspection' },
        },
      ]);
    }
    // Once, the same walk is within the bound.
    expect((await api.execute(`{ __schema { ...S } } ${WALK}`)).errors).toBeUndefined();
  });

  it('refuses over 500 introspection fields, however they are spread, and data fields do not dodge it', async () => {
    const refused = {
      message: 'The operation selects over 500 introspection fields (fragments expanded); ask for less.',
      extensions: { code: 'BAD_USER_INPUT', limit: 'introspection' },
    };
    // The full query's types three times under one __schema.
    const types = `{ __schema { a: types { ...FullType } b: types { ...FullType } c: types { ...FullType } } } ${fragments('FullType', 'InputValue', 'TypeRef')}`;
    // 20 `__type` lookups of 26 fields each, each within armor's depth and cost (which count `__type`).
    const lookup =
      'name kind description fields { name description isDeprecated deprecationReason type { name kind ofType { name kind } } ' +
      'args { name description defaultValue type { name kind } } } interfaces { name } possibleTypes { name }';
    const lookups = `{ ${Array.from({ length: 20 }, (_, i) => `t${i}: __type(name: "Query") { ${lookup} }`).join(' ')} }`;
    // The same with data fields around it.
    const mixed = `{ backends { name status { backend } } ${types.slice(1)}`;
    for (const query of [types, lookups, mixed]) {
      expect(countSelections(parse(query)).introspection).toBeGreaterThan(500);
      const r = await api.execute(query);
      expect(r.status).toBe(400);
      expect(r.data ?? null).toBeNull();
      expect(r.errors).toEqual([refused]);
    }
    // Introspection does not lift the data fields' bound either: a fragment bomb beside a `__type` lookup.
    let bomb = 'fragment F0 on Query { __typename backends { name } }';
    // 3 × 2^10 fields: the selection count refuses it (armor's cost does too).
    for (let i = 1; i <= 10; i++) bomb += ` fragment F${i} on Query { ...F${i - 1} ...F${i - 1} }`;
    const withBomb = await api.execute(`{ __type(name: "Query") { name } ...F10 } ${bomb}`);
    expect(withBomb.status).toBe(400);
    expect(withBomb.errors).toContainEqual({
      message: 'The operation selects over 1000 fields (fragments expanded); ask for less.',
      extensions: { code: 'BAD_USER_INPUT', limit: 'cost' },
    });
  });

  it('answers __type(name:) lookups and __typename beside data fields', async () => {
    const r = await api.execute<{ q: { name: string }; b: { fields: { name: string }[] }; __typename: string }>(
      `{ __typename q: __type(name: "Query") { name fields { name } }
         b: __type(name: "Backend") { fields { name type { kind name ofType { kind name } } } }
         backends { name __typename } usageSummary { totals { apiCalls } } }`,
    );
    expect(r.status).toBe(200);
    expect(r.errors).toBeUndefined();
    expect(r.data?.__typename).toBe('Query');
    expect(r.data?.q.name).toBe('Query');
    expect(r.data?.b.fields.map((f) => f.name)).toContain('status');
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
