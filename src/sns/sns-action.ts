import type { AppContext } from '../server/context.js';
import { list, map, required, string, structure } from '../server/shapes.js';
import type { Deliverer } from './delivery.js';
import { invalidParameter } from './errors.js';
import { TOPIC_ARN, type TopicRegistry } from './topic-registry.js';

/** What every SNS operation gets (with its validated input and the Call it serves). */
export interface SnsContext {
  app: AppContext;
  registry: TopicRegistry;
  deliverer: Deliverer;
}

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

/** The topic an operation acts on (one that does not exist is the registry's NotFound). */
export const TOPIC_ARN_MEMBER = required(string({ pattern: TOPIC_ARN }));

/** Topic or subscription attributes (`Attributes.entry.N.key` / `.value`; `<entry>` elements in XML). */
export const ATTRIBUTES = map(string());

/** `Tags.member.N.Key` / `.Value`; checked by `checkTags`. */
export const TAGS = list(structure({ Key: string(), Value: string() }));

/** Tags as a record; any key not 1-128 characters or value over 256 is InvalidParameter naming Tags. */
export function checkTags(tags: ReadonlyArray<{ Key?: string; Value?: string }>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const { Key: k, Value: v } of tags) {
    if (k === undefined || k.length < 1 || k.length > 128 || v === undefined || v.length > 256)
      throw invalidParameter('Tags');
    out[k] = v;
  }
  return out;
}
