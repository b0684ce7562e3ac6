import { operation } from '../../server/operations.js';
import { map, required, string, structure, unchecked } from '../../server/shapes.js';
import { STREAM_ARN, streamOfArn, type KinesisContext } from '../kinesis-context.js';
import { CONSUMER_NAME_PATTERN, consumerShape } from '../fan-out/consumer-arn.js';

/** RegisterStreamConsumer: the consumer starts CREATING and is ACTIVE after the transition delay. */
export const registerStreamConsumer = operation({
  input: structure({
    StreamARN: required(string({ min: 1, max: 2048, pattern: STREAM_ARN })),
    ConsumerName: required(string({ min: 1, max: 128, pattern: CONSUMER_NAME_PATTERN })),
    StreamId: string({ min: 1, max: 24 }),
    // Consumer tags are counted, not kept.
    Tags: map(unchecked(string()), { min: 1, max: 200 }),
  }),
  async run(k: KinesisContext, input) {
    const consumer = await k.fanOut.consumers.register(streamOfArn(k, input.StreamARN), input.ConsumerName);
    return { Consumer: consumerShape(consumer) };
  },
});
