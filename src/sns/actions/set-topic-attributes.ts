import { invalidParameter } from '../errors.js';
import type { SnsAction } from '../sns-action.js';
import { checkTopicAttribute } from '../topic-attributes.js';

export const setTopicAttributes: SnsAction = async (sns, p) => {
  const t = sns.registry.topic(p.get('TopicArn'));
  const name = p.get('AttributeName');
  if (name === undefined || name === '') throw invalidParameter('AttributeName');
  const value = p.get('AttributeValue') ?? '';
  checkTopicAttribute(name, value);
  if (name === 'FifoTopic') throw invalidParameter('AttributeName');
  await sns.registry.updateTopic(t, (m) => {
    if (value === '') delete m.attributes[name];
    else m.attributes[name] = value;
    return m;
  });
  return undefined;
};
