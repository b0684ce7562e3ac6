import { operation } from '../../server/operations.js';
import type { KinesisContext } from '../kinesis-context.js';
import { consumerShape } from '../fan-out/consumer-arn.js';
import { CONSUMER_TARGET, consumerOf } from '../fan-out/consumer-target.js';

/** DescribeStreamConsumer: by ConsumerARN, or by StreamARN + ConsumerName. */
export const describeStreamConsumer = operation({
  input: CONSUMER_TARGET,
  async run(k: KinesisContext, input) {
    const { stream, consumer } = consumerOf(k, input);
    return { ConsumerDescription: { ...consumerShape(consumer), StreamARN: k.streams.get(stream).arn } };
  },
});
