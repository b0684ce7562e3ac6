import { shardNotFound } from '../not-found.js';
import { PreEncodedJson } from '../../server/protocols/rpc.js';
import { operation } from '../../server/operations.js';
import { integer, required, string, structure } from '../../server/shapes.js';
import { childShards } from '../child-shards.js';
import { STREAM_ARN, type KinesisContext } from '../kinesis-context.js';
import { recordsJson } from '../records-json.js';

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
export const getRecords = operation({
  input: structure({
    Limit: integer({ min: 1, max: 10000 }),
    ShardIterator: required(string({ min: 1, max: 512 })),
    StreamARN: string({ min: 1, max: 2048, pattern: STREAM_ARN }),
  }),
  run: async (k: KinesisContext, input) => readRecords(k, input.ShardIterator, input.Limit ?? 10000),
});

async function readRecords(k: KinesisContext, iterator: string, limit: number): Promise<unknown> {
  const it = k.iterators.decode(iterator, Date.now());
  // The stream and shard are resolved once; every read below goes through the shard's handle.
  const stream = k.streams.findStream(it.stream);
  const shard = stream?.findShard(it.shardId);
  if (!stream || !shard) throw shardNotFound(k.streams.account, it.stream, it.shardId);
  const meta = stream.meta;
  // An iterator of an earlier stream of the same name reads the shard of that id of the stream there is now, from
  // its oldest record: AWS answers it so (kinesalite's GetRecords test, recorded against AWS: an iterator taken
  // before DeleteStream and CreateStream reads the new stream's shard), its sequence numbers growing with time, so
  // an earlier stream's position is before any of this one's. Records trimmed by retention are skipped, as
  // TRIM_HORIZON would.
  const position = meta.createdAt === it.salt ? it.position : 0;
  const from = Math.max(position, shard.bounds().first);
  const scan = shard.scan(from, limit, MAX_RESPONSE_BYTES);
  const next = scan.next;
  const now = Date.now();
  const sequence = shard.sequence;
  const out: Record<string, unknown> = {
    Records: new PreEncodedJson(
      () => recordsJson(scan.slices, sequence),
      () => {
        const records: unknown[] = [];
        for (const { block, start, end } of scan.slices) {
          for (let i = start; i < end; i++) {
            records.push({
              SequenceNumber: sequence.format(block.first + i, block.arrival),
              ApproximateArrivalTimestamp: new Date(block.arrival),
              Data: block.data(i),
              PartitionKey: block.partitionKey(i),
            });
          }
        }
        return records;
      },
    ),
    MillisBehindLatest: millisBehindLatest(shard.arrivalAt(next), now),
  };
  const end = shard.meta.endPosition;
  if (end !== undefined && next > end) {
    // The end of a closed shard: no further iterator, and the children to continue with.
    out['NextShardIterator'] = null;
    out['ChildShards'] = childShards(meta, it.shardId);
  } else {
    out['NextShardIterator'] = k.iterators.encode({
      ...it,
      salt: meta.createdAt,
      position: next,
      issuedAt: now,
    });
  }
  k.events.emit('getRecords', {
    stream: it.stream,
    records: scan.count,
    bytes: scan.bytes,
    millisBehindLatest: out['MillisBehindLatest'] as number,
  });
  return out;
}
