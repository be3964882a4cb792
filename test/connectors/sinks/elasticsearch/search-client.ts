/** Reads an index back for the search sink tests (refresh, then every document). */

import { stack } from '../support.ts';

export async function http(method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${stack.opensearchUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, json: await response.json() as Record<string, unknown> };
}

/** Every document of the index, id → source. */
export async function documents(index: string): Promise<Map<string, Record<string, unknown>>> {
  await http('POST', `/${index}/_refresh`);
  const { json } = await http('POST', `/${index}/_search?size=10000`, { query: { match_all: {} } });
  const hits = (json['hits'] as { hits: Array<{ _id: string; _source: Record<string, unknown> }> }).hits;
  return new Map(hits.map((hit) => [hit._id, hit._source]));
}

export async function deleteIndex(index: string): Promise<void> {
  await http('DELETE', `/${index}`);
}
