// The test's own view of the API, to compare what a page shows with what the API answers. A thin GraphQL
// POST until @bytemeter/client lands; then this becomes createBytemeterClient({ url }).

export interface ApiProbe {
  url: string;
  /** Runs one operation; throws with the first error's code and message. */
  query<T>(query: string, variables?: Record<string, unknown>, token?: string): Promise<T>;
}

/**
 * A probe for the API at `url`.
 * @example const { backends } = await apiProbe(url).query<{ backends: { name: string }[] }>('{ backends { name } }')
 */
export function apiProbe(url: string): ApiProbe {
  return {
    url,
    async query<T>(query: string, variables: Record<string, unknown> = {}, token?: string): Promise<T> {
      const response = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as {
        data?: T;
        errors?: { message: string; extensions?: { code?: string } }[];
      };
      const error = body.errors?.[0];
      if (error) throw new Error(`${error.extensions?.code ?? 'ERROR'}: ${error.message}`);
      return body.data as T;
    },
  };
}
