import { InvalidArgument } from '../../server/errors.js';
import { shardNotFound } from '../not-found.js';
import { operation } from '../../server/operations.js';
import { required, string, structure, timestamp } from '../../server/shapes.js';
import { STREAM_TARGET, streamName, type KinesisContext } from '../kinesis-context.js';
import { shardIdOf } from '../reshard.js';
import { SEQUENCE_NUMBER_PATTERN } from '../sequence-numbers.js';
import type { Shard } from '../shard.js';
import type { Stream } from '../stream.js';

/** In the order AWS lists them in its enum error (recorded in kinesalite's GetShardIterator test). */
const TYPES = [
  'AFTER_SEQUENCE_NUMBER',
  'LATEST',
  'AT_TIMESTAMP',
  'AT_SEQUENCE_NUMBER',
  'TRIM_HORIZON',
] as const;
export type IteratorType = (typeof TYPES)[number];

const BOTH_OR_NEITHER =
  'Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER and StartingSequenceNumber or (2) TRIM_HORIZON or LATEST and no StartingSequenceNumber.';

/**
 * Resolves a starting position inside a shard; shared by GetShardIterator and SubscribeToShard. Positions
 * before the trim horizon (records expired by retention) start at the oldest record still kept.
 */
export function startPosition(
  k: KinesisContext,
  stream: Stream,
  shard: Shard,
  type: IteratorType,
  sequenceNumber: string | undefined,
  timestampMs: number | undefined,
): number {
  const bounds = shard.bounds();
  if (sequenceNumber !== undefined && (type === 'TRIM_HORIZON' || type === 'LATEST')) {
    throw InvalidArgument(`${BOTH_OR_NEITHER} Request specified ${type} and also a StartingSequenceNumber.`);
  }
  switch (type) {
    case 'TRIM_HORIZON':
      return bounds.first;
    case 'LATEST':
      return bounds.last + 1;
    case 'AT_TIMESTAMP': {
      if (timestampMs === undefined) {
        throw InvalidArgument(
          'Must specify timestampInMillis parameter for iterator of type AT_TIMESTAMP. Current request has no timestamp parameter.',
        );
      }
      const now = Date.now();
      if (timestampMs > now) {
        throw InvalidArgument(
          `The timestampInMillis parameter cannot be greater than the currentTimestampInMillis. timestampInMillis: ${timestampMs}, currentTimestampInMillis: ${now}`,
        );
      }
      return shard.positionAtTimestamp(timestampMs);
    }
    default: {
      if (sequenceNumber === undefined) {
        throw InvalidArgument(`${BOTH_OR_NEITHER} Request specified ${type} and no StartingSequenceNumber.`);
      }
      // AWS's texts and order of checks: kinesalite's GetShardIterator tests, recorded against AWS.
      const at = shard.sequence.locate(sequenceNumber);
      const where = `used in GetShardIterator on shard ${shard.shardId} in stream ${stream.name} under account ${k.streams.account}`;
      if (at.kind === 'invalid')
        throw InvalidArgument(`StartingSequenceNumber ${at.shown} ${where} is invalid.`);
      if (at.kind === 'other-shard') {
        throw InvalidArgument(
          `Invalid StartingSequenceNumber. It encodes ${shardIdOf(at.shardIndex)}, while it was used in a call to a shard with ${shard.shardId}`,
        );
      }
      if (at.kind === 'other-stream') {
        throw InvalidArgument(
          `StartingSequenceNumber ${at.shown} ${where} is invalid because it did not come from this stream.`,
        );
      }
      const p = type === 'AT_SEQUENCE_NUMBER' ? at.position : at.position + 1;
      return Math.max(p, bounds.first);
    }
  }
}

/** GetShardIterator: an opaque iterator valid for 5 minutes, for any of the five iterator types. */
export const getShardIterator = operation({
  input: structure({
    ShardId: required(string({ min: 1, max: 128, pattern: /[a-zA-Z0-9_.-]+/ })),
    ShardIteratorType: required(string({ enum: TYPES })),
    StartingSequenceNumber: string({ pattern: SEQUENCE_NUMBER_PATTERN }),
    ...STREAM_TARGET,
    Timestamp: timestamp(),
  }),
  async run(k: KinesisContext, input) {
    const { StartingSequenceNumber: seq, Timestamp: ts } = input;
    const type = input.ShardIteratorType as IteratorType;
    const stream = streamName(k, input);
    const shardId = k.streams.shardIdFrom(input.ShardId, stream);
    // AWS names the shard, not the stream, when either is missing.
    const s = k.streams.findStream(stream);
    const shard = s?.findShard(shardId);
    if (!s || !shard) throw shardNotFound(k.streams.account, stream, shardId);
    const position = startPosition(k, s, shard, type, seq, ts);
    return {
      ShardIterator: k.iterators.encode({
        stream,
        salt: s.meta.createdAt,
        shardId,
        position,
        issuedAt: Date.now(),
      }),
    };
  },
});
