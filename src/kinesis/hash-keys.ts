import { createHash } from 'node:crypto';

/** 2^128 - 1: the top of the Kinesis hash key space. */
export const MAX_HASH_KEY = (1n << 128n) - 1n;

/** Kinesis maps a partition key to a shard by MD5 of its UTF-8 bytes read as an unsigned 128-bit integer. */
export function hashPartitionKey(partitionKey: string): bigint {
  const d = createHash('md5').update(partitionKey, 'utf8').digest();
  return (d.readBigUInt64BE(0) << 64n) | d.readBigUInt64BE(8);
}

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
