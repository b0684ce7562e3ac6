import type { AppContext } from '../server/context.js';
import type { ApiRequest } from '../server/http-types.js';
import type { QueryParams, XmlContent } from '../server/protocols/query.js';
import type { Deliverer } from './delivery.js';
import { invalidParameter } from './errors.js';
import type { TopicRegistry } from './topic-registry.js';

/** What every SNS action gets. */
export interface SnsContext {
  app: AppContext;
  registry: TopicRegistry;
  deliverer: Deliverer;
}

/** One SNS operation: query parameters in, the children of `<ActionResult>` out. */
export type SnsAction = (sns: SnsContext, p: QueryParams, req: ApiRequest) => Promise<XmlContent | undefined>;

/** SNS pages lists 100 at a time. */
export const PAGE_SIZE = 100;

/** One page of `items` after the NextToken's position (tokens are opaque: base64 of the last key). */
export function page<T>(
  items: readonly T[],
  key: (t: T) => string,
  token: string | undefined,
): { items: T[]; next?: string } {
  let start = 0;
  if (token !== undefined && token !== '') {
    const after = Buffer.from(token, 'base64url').toString('utf8');
    const i = items.findIndex((t) => key(t) === after);
    if (i === -1) throw invalidParameter('NextToken');
    start = i + 1;
  }
  const slice = items.slice(start, start + PAGE_SIZE);
  const more = start + PAGE_SIZE < items.length;
  return more
    ? { items: slice, next: Buffer.from(key(slice[slice.length - 1]!), 'utf8').toString('base64url') }
    : { items: slice };
}

/** `Attributes.entry.N.key` / `.value` (CreateTopic, Subscribe). */
export function attributeMap(p: QueryParams): Record<string, string> {
  return p.map('Attributes.entry', 'key', 'value') ?? {};
}

/** `Tags.member.N.Key` / `.Value`. */
export function tagList(p: QueryParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of p.items('Tags.member')) {
    const k = item.get('Key');
    const v = item.get('Value');
    if (k === undefined || k.length < 1 || k.length > 128 || v === undefined || v.length > 256)
      throw invalidParameter('Tags');
    out[k] = v;
  }
  return out;
}
