import { operation } from '../../server/operations.js';
import type { StreamingOutput } from '../../server/protocols/rpc.js';
import { required, string, structure, timestamp } from '../../server/shapes.js';
import type { KinesisContext } from '../kinesis-context.js';
import { SEQUENCE_NUMBER_PATTERN } from '../sequence-numbers.js';
import { CONSUMER_ARN_PATTERN } from '../fan-out/consumer-arn.js';
import { EVENT_STREAM_CONTENT_TYPE, subscriptionFrames } from '../fan-out/event-stream.js';
import type { IteratorType } from './get-shard-iterator.js';

const TYPES: readonly IteratorType[] = [
  'AT_SEQUENCE_NUMBER',
  'AFTER_SEQUENCE_NUMBER',
  'TRIM_HORIZON',
  'LATEST',
  'AT_TIMESTAMP',
];

/**
 * SubscribeToShard: errors found before the stream starts are plain error responses; afterwards the
 * response is an event stream (`initial-response`, then SubscribeToShardEvents, exceptions as
 * exception messages) that ends at the subscription's end.
 */
export const subscribeToShard = operation({
  input: structure({
    ConsumerARN: required(string({ min: 1, max: 2048, pattern: CONSUMER_ARN_PATTERN })),
    ShardId: required(string({ min: 1, max: 128, pattern: /[a-zA-Z0-9_.-]+/ })),
    StreamId: string({ min: 1, max: 24 }),
    StartingPosition: required(
      structure({
        Type: required(string({ enum: TYPES })),
        SequenceNumber: string({ pattern: SEQUENCE_NUMBER_PATTERN }),
        Timestamp: timestamp(),
      }),
    ),
  }),
  async run(k: KinesisContext, input, call): Promise<StreamingOutput> {
    const sp = input.StartingPosition;
    const sub = k.fanOut.subscriptions.open({
      consumerArn: input.ConsumerARN,
      shardId: input.ShardId,
      startingPosition: {
        type: sp.Type as IteratorType,
        sequenceNumber: sp.SequenceNumber,
        timestampMs: sp.Timestamp,
      },
    });
    return {
      streaming: true,
      contentType: EVENT_STREAM_CONTENT_TYPE,
      stream: subscriptionFrames(sub, (err) => call.clientError(err)),
    };
  },
});
