import type { AwsError } from '../../server/errors.js';
import type { ApiRequest } from '../../server/http-types.js';
import { Validator } from '../../server/validator.js';
import type { StreamingOutput } from '../../server/protocols/rpc.js';
import type { KinesisContext } from '../kinesis-context.js';
import { SEQUENCE_NUMBER_PATTERN } from '../sequence-numbers.js';
import { CONSUMER_ARN_PATTERN } from '../fan-out/consumer-arn.js';
import { EVENT_STREAM_CONTENT_TYPE, subscriptionFrames } from '../fan-out/event-stream.js';
import { fanOut } from '../fan-out/fan-out.js';
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
export async function subscribeToShard(
  k: KinesisContext,
  input: Record<string, unknown>,
  req: ApiRequest,
): Promise<StreamingOutput> {
  const v = new Validator(input);
  const consumerArn = v.string('ConsumerARN', {
    required: true,
    min: 1,
    max: 2048,
    pattern: CONSUMER_ARN_PATTERN,
  });
  const shardId = v.string('ShardId', { required: true, min: 1, max: 128, pattern: /[a-zA-Z0-9_.-]+/ });
  v.string('StreamId', { min: 1, max: 24 });
  const sp = v.map('StartingPosition');
  if (sp === undefined) v.fail('startingPosition', null, 'Member must not be null');
  const type = sp
    ? v.enumeration('Type', TYPES, { required: true, path: 'startingPosition.type', value: sp['Type'] })
    : undefined;
  const seq = sp
    ? v.string('SequenceNumber', {
        pattern: SEQUENCE_NUMBER_PATTERN,
        path: 'startingPosition.sequenceNumber',
        value: sp['SequenceNumber'],
      })
    : undefined;
  const ts = sp ? new Validator(sp).timestamp('Timestamp') : undefined;
  v.check();
  const sub = fanOut(k).subscriptions.open({
    consumerArn: consumerArn!,
    shardId: shardId!,
    startingPosition: { type: type!, sequenceNumber: seq, timestampMs: ts },
  });
  const clientError = (err: unknown): AwsError =>
    k.app.errors.toAwsError(err, {
      service: 'kinesis',
      operation: 'SubscribeToShard',
      requestId: req.requestId,
    });
  return {
    streaming: true,
    contentType: EVENT_STREAM_CONTENT_TYPE,
    stream: subscriptionFrames(sub, clientError),
  };
}
