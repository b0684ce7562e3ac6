import { el } from '../../server/protocols/query.js';
import { invalidParameter } from '../errors.js';
import { attributeMap, tagList, type SnsAction } from '../sns-action.js';
import { checkTopicAttribute } from '../topic-attributes.js';

const TOPIC_NAME = /^[A-Za-z0-9_-]{1,256}$/;

export const createTopic: SnsAction = async (sns, p) => {
  const name = p.get('Name');
  if (name === undefined || name === '') throw invalidParameter('Topic Name');
  const attributes = attributeMap(p);
  for (const [k, v] of Object.entries(attributes)) checkTopicAttribute(k, v);
  if (name.endsWith('.fifo') || attributes.FifoTopic === 'true') {
    // Kinesis failure destinations are standard topics; FIFO ordering/deduplication is not implemented.
    throw invalidParameter('FifoTopic Reason: FIFO topics are not supported by Tributary');
  }
  if (!TOPIC_NAME.test(name)) throw invalidParameter('Topic Name');
  if (attributes.FifoTopic === 'false') delete attributes.FifoTopic;
  const t = await sns.registry.createTopic(name, attributes, tagList(p));
  return el('TopicArn', t.arn);
};
