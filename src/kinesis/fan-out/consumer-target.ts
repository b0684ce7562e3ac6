import { InvalidArgument } from '../../server/errors.js';
import type { Validator } from '../../server/validator.js';
import { STREAM_ARN, type KinesisContext } from '../kinesis-context.js';
import { CONSUMER_ARN_PATTERN, CONSUMER_NAME_PATTERN } from './consumer-arn.js';
import type { ConsumerRef } from './consumers.js';
import { fanOut } from './fan-out.js';

/** The stream name inside a StreamARN; InvalidArgumentException for an ARN that names no stream. */
export function streamFromArn(k: KinesisContext, streamArn: string): string {
  const name = k.streams.nameFromArn(streamArn);
  if (name === undefined) throw InvalidArgument(`Invalid StreamARN: ${streamArn}`);
  return name;
}

/**
 * DescribeStreamConsumer / DeregisterStreamConsumer name a consumer by ConsumerARN, or by StreamARN
 * plus ConsumerName. Validates the members (call `v.check()` after) and returns the resolver.
 */
export function consumerTarget(v: Validator, k: KinesisContext): () => ConsumerRef {
  const streamArn = v.string('StreamARN', { min: 1, max: 2048, pattern: STREAM_ARN });
  const consumerName = v.string('ConsumerName', { min: 1, max: 128, pattern: CONSUMER_NAME_PATTERN });
  const consumerArn = v.string('ConsumerARN', { min: 1, max: 2048, pattern: CONSUMER_ARN_PATTERN });
  v.string('StreamId', { min: 1, max: 24 });
  return () => {
    const consumers = fanOut(k).consumers;
    if (consumerArn !== undefined) return consumers.byArn(consumerArn);
    if (streamArn !== undefined && consumerName !== undefined)
      return consumers.byName(streamFromArn(k, streamArn), consumerName);
    throw InvalidArgument('ConsumerARN or both ConsumerName and StreamARN are required for this request.');
  };
}
