import { Validator } from '../../server/validator.js';
import type { KinesisContext } from '../kinesis-context.js';
import { consumerShape } from '../fan-out/consumer-arn.js';
import { consumerTarget } from '../fan-out/consumer-target.js';

/** DescribeStreamConsumer: by ConsumerARN, or by StreamARN + ConsumerName. */
export async function describeStreamConsumer(
  k: KinesisContext,
  input: Record<string, unknown>,
): Promise<unknown> {
  const v = new Validator(input);
  const target = consumerTarget(v, k);
  v.check();
  const { stream, consumer } = target();
  return { ConsumerDescription: { ...consumerShape(consumer), StreamARN: k.streams.get(stream).arn } };
}
