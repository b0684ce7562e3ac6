import { AwsError, InvalidArgument } from '../server/errors.js';

/** ListStreams / ListShards NextTokens are valid for 300 seconds (AWS). */
export const NEXT_TOKEN_TTL_MS = 300_000;

/**
 * An opaque pagination token: base64 JSON of what to resume after, which operation made it, and when.
 * `now` is a parameter so the expiry can be tested without waiting.
 */
export function encodeNextToken(
  op: 'ListStreams' | 'ListShards',
  after: Record<string, unknown>,
  now = Date.now(),
): string {
  return Buffer.from(JSON.stringify({ op, after, at: now })).toString('base64');
}

export function decodeNextToken(
  op: 'ListStreams' | 'ListShards',
  token: string,
  now = Date.now(),
): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const t = parsed as { op?: unknown; after?: unknown; at?: unknown } | undefined;
  if (
    typeof t !== 'object' ||
    t === null ||
    t.op !== op ||
    typeof t.at !== 'number' ||
    typeof t.after !== 'object' ||
    t.after === null
  ) {
    throw InvalidArgument(`Invalid NextToken: ${token}`);
  }
  if (now - t.at > NEXT_TOKEN_TTL_MS) {
    throw new AwsError(
      'ExpiredNextTokenException',
      `The NextToken has expired: it was issued ${now - t.at} ms ago and is valid for ${NEXT_TOKEN_TTL_MS} ms.`,
    );
  }
  return t.after as Record<string, unknown>;
}
