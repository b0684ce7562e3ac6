import { Validator } from '../../server/validator.js';
import { STREAM_ARN, type KinesisContext } from '../kinesis-context.js';
import { CONSUMER_NAME_PATTERN, consumerShape } from '../fan-out/consumer-arn.js';
import { streamFromArn } from '../fan-out/consumer-target.js';
import { fanOut } from '../fan-out/fan-out.js';

/** RegisterStreamConsumer: the consumer starts CREATING and is ACTIVE after the transition delay. */
export async function registerStreamConsumer(
  k: KinesisContext,
  input: Record<string, unknown>,
): Promise<unknown> {
  const v = new Validator(input);
  const streamArn = v.string('StreamARN', { required: true, min: 1, max: 2048, pattern: STREAM_ARN });
  const name = v.string('ConsumerName', { required: true, min: 1, max: 128, pattern: CONSUMER_NAME_PATTERN });
  v.string('StreamId', { min: 1, max: 24 });
  const tags = v.map('Tags');
  if (tags !== undefined) {
    const n = Object.keys(tags).length;
    if (n < 1) v.fail('tags', tags, 'Member must have length greater than or equal to 1');
    if (n > 200) v.fail('tags', tags, 'Member must have length less than or equal to 200');
  }
  v.check();
  const consumer = await fanOut(k).consumers.register(streamFromArn(k, streamArn!), name!);
  return { Consumer: consumerShape(consumer) };
}
