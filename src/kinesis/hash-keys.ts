import crypto from 'node:crypto';

/** 2^128 - 1: the top of the Kinesis hash key space. */
export const MAX_HASH_KEY = (1n << 128n) - 1n;

/** Kinesis maps a partition key to a shard by MD5 of its UTF-8 bytes read as an unsigned 128-bit integer. */
export function hashPartitionKey(partitionKey: string): bigint {
  return BigInt('0x' + md5Hex(partitionKey));
}

/**
 * One-shot `crypto.hash` (Node >= 20.12) is about 3x faster than createHash().update().digest() for short
 * keys, and it runs once per record put.
 */
const md5Hex: (s: string) => string =
  typeof (crypto as { hash?: unknown }).hash === 'function'
    ? (s) => crypto.hash('md5', s, 'hex')
    : (s) => crypto.createHash('md5').update(s, 'utf8').digest('hex');

/** Splits the hash space evenly into `count` ranges, as CreateStream does. */
export function evenRanges(count: number, start = 0n, end = MAX_HASH_KEY): Array<[bigint, bigint]> {
  const size = (end - start + 1n) / BigInt(count);
  const out: Array<[bigint, bigint]> = [];
  for (let i = 0; i < count; i++) {
    const s = start + size * BigInt(i);
    const e = i === count - 1 ? end : s + size - 1n;
    out.push([s, e]);
  }
  return out;
}
