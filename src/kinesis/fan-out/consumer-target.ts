import { InvalidArgument } from '../../server/errors.js';
import { string, structure, type Infer } from '../../server/shapes.js';
import { STREAM_ARN, streamOfArn, type KinesisContext } from '../kinesis-context.js';
import { CONSUMER_ARN_PATTERN, CONSUMER_NAME_PATTERN } from './consumer-arn.js';
import type { ConsumerRef } from './consumers.js';

/** DescribeStreamConsumer / DeregisterStreamConsumer name a consumer by ConsumerARN, or by StreamARN plus ConsumerName. */
export const CONSUMER_TARGET = structure({
  StreamARN: string({ min: 1, max: 2048, pattern: STREAM_ARN }),
  ConsumerName: string({ min: 1, max: 128, pattern: CONSUMER_NAME_PATTERN }),
  ConsumerARN: string({ min: 1, max: 2048, pattern: CONSUMER_ARN_PATTERN }),
  StreamId: string({ min: 1, max: 24 }),
});

/** The consumer a validated CONSUMER_TARGET names. */
export function consumerOf(k: KinesisContext, input: Infer<typeof CONSUMER_TARGET>): ConsumerRef {
  const consumers = k.fanOut.consumers;
  if (input.ConsumerARN !== undefined) return consumers.byArn(input.ConsumerARN);
  if (input.StreamARN !== undefined && input.ConsumerName !== undefined)
    return consumers.byName(streamOfArn(k, input.StreamARN), input.ConsumerName);
  throw InvalidArgument('ConsumerARN or both ConsumerName and StreamARN are required for this request.');
}
