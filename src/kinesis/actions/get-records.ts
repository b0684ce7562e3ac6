import { ResourceNotFound } from '../../server/errors.js';
import { Validator } from '../../server/validator.js';
import { childShards } from '../child-shards.js';
import { decodeIterator, encodeIterator } from '../iterators.js';
import type { KinesisContext } from '../kinesis-context.js';

/** GetRecords returns at most 10 MiB. */
const MAX_RESPONSE_BYTES = 10 * 1024 * 1024;

export async function getRecords(k: KinesisContext, input: Record<string, unknown>): Promise<unknown> {
  const v = new Validator(input);
  const iterator = v.string('ShardIterator', { required: true, min: 1, max: 512 });
  const limit = v.integer('Limit', { min: 1, max: 10000 }) ?? 10000;
  v.string('StreamARN', { min: 1, max: 2048 });
  v.check();
  const it = decodeIterator(iterator!);
  if (!k.streams.has(it.stream) || k.streams.get(it.stream).createdAt !== it.salt) {
    throw ResourceNotFound(`Shard ${it.shardId} in stream ${it.stream} under account ${k.streams.account} does not exist`);
  }
  const meta = k.streams.get(it.stream);
  const bounds = k.streams.bounds(it.stream, it.shardId);
  // Records trimmed by retention are skipped, as TRIM_HORIZON would.
  const from = Math.max(it.position, bounds.first);
  const records = k.streams.read(it.stream, it.shardId, from, limit, MAX_RESPONSE_BYTES);
  const next = records.length > 0 ? records[records.length - 1]!.position + 1 : from;
  const now = Date.now();
  const nextArrival = k.streams.arrivalAt(it.stream, it.shardId, next);
  const out: Record<string, unknown> = {
    Records: records.map((r) => ({
      SequenceNumber: r.sequenceNumber,
      ApproximateArrivalTimestamp: new Date(r.arrival),
      Data: r.data,
      PartitionKey: r.partitionKey,
    })),
    MillisBehindLatest: nextArrival === undefined ? 0 : Math.max(0, now - nextArrival),
  };
  const shard = k.streams.shard(it.stream, it.shardId);
  if (shard.endPosition !== undefined && next > shard.endPosition) {
    // The end of a closed shard: no further iterator, and the children to continue with.
    out['NextShardIterator'] = null;
    out['ChildShards'] = childShards(meta, it.shardId);
  } else {
    out['NextShardIterator'] = encodeIterator({ ...it, position: next, issuedAt: now });
  }
  return out;
}
