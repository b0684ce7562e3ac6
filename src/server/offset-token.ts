import type { AwsError } from './errors.js';

/**
 * A list position as an opaque NextToken: base64 JSON of the offset. One codec for every operation that pages
 * by position (CloudWatch GetMetricData and ListMetrics, Logs DescribeLogGroups and DescribeLogStreams); each
 * says how its service words a token it did not make, as AWS words it per operation.
 */
export function offsetToken(offset: number): string {
  return Buffer.from(JSON.stringify({ o: offset })).toString('base64');
}

/** The offset in `token` (0 without one); a token that is not one of ours throws `invalid()`. */
export function offsetOf(token: string | undefined, invalid: () => AwsError): number {
  if (token === undefined) return 0;
  let o: unknown;
  try {
    o = (JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { o?: unknown } | null)?.o;
  } catch {
    // not JSON, so not one of ours: refused below
  }
  if (typeof o === 'number' && Number.isInteger(o) && o >= 0) return o;
  throw invalid();
}
