import { operation } from '../../server/operations.js';
import { required, string, structure } from '../../server/shapes.js';
import { STREAM_ARN, streamOfArn, type KinesisContext } from '../kinesis-context.js';
import { CONSUMER_NAME_PATTERN, consumerShape } from '../fan-out/consumer-arn.js';
import { checkTagCharacters, checkTagCount, TAG_MAP } from '../tag-rules.js';

/** RegisterStreamConsumer: the consumer starts CREATING and is ACTIVE after the transition delay. */
export const registerStreamConsumer = operation({
  input: structure({
    StreamARN: required(string({ min: 1, max: 2048, pattern: STREAM_ARN })),
    ConsumerName: required(string({ min: 1, max: 128, pattern: CONSUMER_NAME_PATTERN })),
    StreamId: string({ min: 1, max: 24 }),
    // The stream's TagMap (today's model): its keys and values are bounded as a stream's, and its rules apply
    // (ListTagsForResource on the consumer's ARN reads them).
    Tags: TAG_MAP,
  }),
  async run(k: KinesisContext, input) {
    const { ConsumerName: name, Tags: tags } = input;
    const stream = streamOfArn(k, input.StreamARN);
    if (tags !== undefined) {
      k.streams.get(stream); // a missing stream is answered before the tags are judged
      const account = k.streams.account;
      checkTagCharacters(
        [...Object.keys(tags), ...Object.values(tags)],
        'add tags to',
        name,
        account,
        'consumer',
      );
      checkTagCount(Object.keys(tags).length, name, account, 'consumer');
    }
    const consumer = await k.fanOut.consumers.register(stream, name, tags);
    return { Consumer: consumerShape(consumer) };
  },
});
