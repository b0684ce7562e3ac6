import { ResourceNotFound } from '../../server/errors.js';
import { PreEncodedJson } from '../../server/protocols/rpc.js';
import { Validator } from '../../server/validator.js';
import { childShards } from '../child-shards.js';
import { decodeIterator, encodeIterator } from '../iterators.js';
import { STREAM_ARN, type KinesisContext } from '../kinesis-context.js';
import type { KinesisRecord } from '../model.js';

/** GetRecords returns at most 10 MiB (data plus partition keys). */
export const MAX_RESPONSE_BYTES = 10 * 1024 * 1024;

/**
 * How far a reader is behind the shard's tip: the age of the oldest record it has not read yet, and 0
 * once it has read everything. At least 1 while anything is unread, so "behind" is never reported as
 * caught up just because the record arrived within the same millisecond.
 */
export function millisBehindLatest(oldestUnreadArrival: number | undefined, now: number): number {
  if (oldestUnreadArrival === undefined) return 0;
  return Math.max(1, now - oldestUnreadArrival);
}

/**
 * GetRecords: up to Limit records (1-10000, default 10000) and 10 MiB from the iterator's position, a
 * NextShardIterator, and MillisBehindLatest. At the end of a closed shard NextShardIterator is null and
 * ChildShards says where to continue.
 */
export async function getRecords(k: KinesisContext, input: Record<string, unknown>): Promise<unknown> {
  const v = new Validator(input);
  const iterator = v.string('ShardIterator', { required: true, min: 1, max: 512 });
  const limit = v.integer('Limit', { min: 1, max: 10000 }) ?? 10000;
  v.string('StreamARN', { min: 1, max: 2048, pattern: STREAM_ARN });
  v.check();
  const it = decodeIterator(iterator!);
  if (!k.streams.has(it.stream) || k.streams.get(it.stream).createdAt !== it.salt) {
    throw ResourceNotFound(
      `Shard ${it.shardId} in stream ${it.stream} under account ${k.streams.account} does not exist`,
    );
  }
  const meta = k.streams.get(it.stream);
  const bounds = k.streams.bounds(it.stream, it.shardId);
  // Records trimmed by retention are skipped, as TRIM_HORIZON would.
  const from = Math.max(it.position, bounds.first);
  const records = k.streams.read(it.stream, it.shardId, from, limit, MAX_RESPONSE_BYTES);
  const next = records.length > 0 ? records[records.length - 1]!.position + 1 : from;
  const now = Date.now();
  const out: Record<string, unknown> = {
    Records: new PreEncodedJson(
      () => recordsJson(records),
      () =>
        records.map((r) => ({
          SequenceNumber: r.sequenceNumber,
          ApproximateArrivalTimestamp: new Date(r.arrival),
          Data: r.data,
          PartitionKey: r.partitionKey,
        })),
    ),
    MillisBehindLatest: millisBehindLatest(k.streams.arrivalAt(it.stream, it.shardId, next), now),
  };
  const shard = k.streams.shard(it.stream, it.shardId);
  if (shard.endPosition !== undefined && next > shard.endPosition) {
    // The end of a closed shard: no further iterator, and the children to continue with.
    out['NextShardIterator'] = null;
    out['ChildShards'] = childShards(meta, it.shardId);
  } else {
    out['NextShardIterator'] = encodeIterator({ ...it, position: next, issuedAt: now });
  }
  let bytes = 0;
  for (const r of records) bytes += r.data.length + Buffer.byteLength(r.partitionKey);
  k.streams.emit('getRecords', {
    stream: it.stream,
    records: records.length,
    bytes,
    millisBehindLatest: out['MillisBehindLatest'] as number,
  });
  return out;
}

/**
 * Records as AWS JSON 1.1 writes them (blobs base64, timestamps epoch seconds with milliseconds as a fraction),
 * built as text: a response carries up to 10000 records, and objects built only to be stringified cost more
 * than the rest of GetRecords' JSON work together.
 */
function recordsJson(records: KinesisRecord[]): string {
  let s = '[';
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    const data = Buffer.from(r.data.buffer, r.data.byteOffset, r.data.byteLength).toString('base64');
    s +=
      (i === 0 ? '{"SequenceNumber":' : ',{"SequenceNumber":') +
      JSON.stringify(r.sequenceNumber) +
      ',"ApproximateArrivalTimestamp":' +
      JSON.stringify(r.arrival / 1000) +
      ',"Data":"' +
      data +
      '","PartitionKey":' +
      JSON.stringify(r.partitionKey) +
      '}';
  }
  return s + ']';
}
