import { entries } from '../../server/protocols/query.js';
import type { SnsAction } from '../sns-action.js';
import { topicAttributes } from '../topic-attributes.js';

export const getTopicAttributes: SnsAction = async (sns, p) => {
  const t = sns.registry.topic(p.get('TopicArn'));
  return entries('Attributes', topicAttributes(t, sns.registry, sns.app.options.account));
};
