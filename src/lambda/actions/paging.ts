import { InvalidParameterValue } from '../lambda-errors.js';

/**
 * Marker/MaxItems paging of Lambda's List operations: items in a fixed order, each with a unique key; the
 * marker is an opaque token naming the last key served, so a page stays correct when items come or go.
 */
export function page<T>(
  items: readonly T[],
  keyOf: (item: T) => string,
  maxItems: number | undefined,
  marker: string | undefined,
  defaultMax = 50,
): { items: T[]; nextMarker?: string } {
  let from = 0;
  if (marker !== undefined && marker !== '') {
    const after = decodeMarker(marker);
    if (after === undefined) throw InvalidParameterValue('Invalid marker.');
    const i = items.findIndex((item) => keyOf(item) === after);
    if (i >= 0) from = i + 1;
    else {
      // The marked item is gone: resume at the first key sorting after it.
      const next = items.findIndex((item) => keyOf(item) > after);
      from = next < 0 ? items.length : next;
    }
  }
  const out = items.slice(from, from + (maxItems ?? defaultMax));
  if (from + out.length < items.length && out.length > 0)
    return { items: out, nextMarker: encodeMarker(keyOf(out[out.length - 1]!)) };
  return { items: out };
}

function encodeMarker(lastKey: string): string {
  return Buffer.from(JSON.stringify({ after: lastKey })).toString('base64url');
}

function decodeMarker(marker: string): string | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(marker, 'base64url').toString('utf8')) as { after?: unknown };
    return typeof parsed.after === 'string' ? parsed.after : undefined;
  } catch {
    return undefined;
  }
}
