import { operation } from '../../server/operations.js';
import { string, structure } from '../../server/shapes.js';
import { invalidParameter } from '../errors.js';
import { ATTRIBUTES, checkTags, TAGS, type SnsContext } from '../sns-action.js';
import { checkTopicAttribute } from '../topic-attributes.js';

const TOPIC_NAME = /^[A-Za-z0-9_-]{1,256}$/;

export const createTopic = operation({
  // Name is required, but SNS calls a missing one "Topic Name", as it does a malformed one (checked below).
  input: structure({ Name: string(), Attributes: ATTRIBUTES, Tags: TAGS }),
  output: structure({ TopicArn: string() }),
  async run(sns: SnsContext, input) {
    const name = input.Name;
    if (name === undefined || name === '') throw invalidParameter('Topic Name');
    const attributes = input.Attributes ?? {};
    for (const [k, v] of Object.entries(attributes)) checkTopicAttribute(k, v);
    if (name.endsWith('.fifo') || attributes.FifoTopic === 'true') {
      // Kinesis failure destinations are standard topics; FIFO ordering/deduplication is not implemented.
      throw invalidParameter('FifoTopic Reason: FIFO topics are not supported by Tributary');
    }
    if (!TOPIC_NAME.test(name)) throw invalidParameter('Topic Name');
    if (attributes.FifoTopic === 'false') delete attributes.FifoTopic;
    const t = await sns.registry.createTopic(name, attributes, checkTags(input.Tags ?? []));
    return { TopicArn: t.arn };
  },
});
