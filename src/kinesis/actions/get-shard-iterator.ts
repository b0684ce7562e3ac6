import { InvalidArgument } from '../../server/errors.js';
import { Validator } from '../../server/validator.js';
import { encodeIterator } from '../iterators.js';
import { streamTarget, type KinesisContext } from '../kinesis-context.js';
import { parseSequenceNumber, SEQUENCE_NUMBER_PATTERN } from '../sequence-numbers.js';

const TYPES = ['AT_SEQUENCE_NUMBER', 'AFTER_SEQUENCE_NUMBER', 'TRIM_HORIZON', 'LATEST', 'AT_TIMESTAMP'] as const;
export type IteratorType = (typeof TYPES)[number];

/** Resolves a starting position inside a shard; shared by GetShardIterator and SubscribeToShard. */
export function startPosition(
  k: KinesisContext,
  stream: string,
  shardId: string,
  type: IteratorType,
  sequenceNumber: string | undefined,
  timestampMs: number | undefined,
): number {
  const bounds = k.streams.bounds(stream, shardId);
  switch (type) {
    case 'TRIM_HORIZON':
      return bounds.first;
    case 'LATEST':
      return bounds.last + 1;
    case 'AT_TIMESTAMP': {
      if (timestampMs === undefined) {
        throw InvalidArgument('Must specify timestampInMillis parameter for iterator of type AT_TIMESTAMP. Current request has no timestamp parameter.');
      }
      return k.streams.positionAtTimestamp(stream, shardId, timestampMs);
    }
    default: {
      if (sequenceNumber === undefined) {
        throw InvalidArgument(
          `Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER and StartingSequenceNumber or (2) TRIM_HORIZON or LATEST and no StartingSequenceNumber. Request specified ${type} and no StartingSequenceNumber.`,
        );
      }
      const parsed = parseSequenceNumber(sequenceNumber);
      const meta = k.streams.get(stream);
      const shard = k.streams.shard(stream, shardId);
      if (!parsed || parsed.salt !== meta.createdAt) {
        throw InvalidArgument(`StartingSequenceNumber ${sequenceNumber} used in GetShardIterator on shard ${shardId} in stream ${stream} under account ${k.streams.account} is invalid.`);
      }
      if (parsed.shardIndex !== shard.index) {
        throw InvalidArgument(
          `Invalid StartingSequenceNumber. It encodes shardId-${String(parsed.shardIndex).padStart(12, '0')}, while it was used in a call to a shard with ${shardId}`,
        );
      }
      const p = type === 'AT_SEQUENCE_NUMBER' ? parsed.position : parsed.position + 1;
      return Math.max(p, bounds.first);
    }
  }
}

export async function getShardIterator(k: KinesisContext, input: Record<string, unknown>): Promise<unknown> {
  const v = new Validator(input);
  const target = streamTarget(v, k);
  const shardId = v.string('ShardId', { required: true, min: 1, max: 128, pattern: /[a-zA-Z0-9_.-]+/ });
  const type = v.enumeration('ShardIteratorType', TYPES, { required: true });
  const seq = v.string('StartingSequenceNumber', { pattern: SEQUENCE_NUMBER_PATTERN });
  const ts = v.timestamp('Timestamp');
  v.check();
  const stream = target();
  const meta = k.streams.get(stream);
  if (meta.status === 'CREATING' || meta.status === 'DELETING') {
    throw k.streams.get(stream) && InvalidArgument(`Stream ${stream} under account ${k.streams.account} is not ACTIVE.`);
  }
  const position = startPosition(k, stream, shardId!, type!, seq, ts);
  return {
    ShardIterator: encodeIterator({ stream, salt: meta.createdAt, shardId: shardId!, position, issuedAt: Date.now() }),
  };
}
