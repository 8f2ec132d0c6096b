/** A tiny GraphQL-over-HTTP client for tests (what a front-end sends). */
export interface GraphQLResponse<T = Record<string, unknown>> {
  status: number;
  data?: T | null;
  errors?: Array<{ message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }>;
  headers: Headers;
}

export interface RequestOptions {
  token?: string;
  headers?: Record<string, string>;
}

export async function graphql<T = Record<string, unknown>>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  options: RequestOptions = {},
): Promise<GraphQLResponse<T>> {
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...options.headers,
    },
    body: JSON.stringify({ query, variables }),
  });
  const text = await res.text();
  let body: { data?: T | null; errors?: GraphQLResponse<T>['errors'] } = {};
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    body = { errors: [{ message: `non-JSON response (${res.status}): ${text.slice(0, 200)}` }] };
  }
  return { status: res.status, data: body.data, errors: body.errors, headers: res.headers };
}

/** Like `graphql` but fails the test on any error and returns `data`. */
export async function graphqlOk<T = Record<string, unknown>>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  options: RequestOptions = {},
): Promise<T> {
  const r = await graphql<T>(url, query, variables, options);
  if (r.errors?.length || !r.data) {
    throw new Error(`GraphQL request failed (${r.status}): ${JSON.stringify(r.errors ?? r.data)}`);
  }
  return r.data;
}
