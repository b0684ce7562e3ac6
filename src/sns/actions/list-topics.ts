import { el, members, opt } from '../../server/protocols/query.js';
import { page, type SnsAction } from '../sns-action.js';

export const listTopics: SnsAction = async (sns, p) => {
  const { items, next } = page(sns.registry.listTopics(), (t) => t.arn, p.get('NextToken'));
  return [members('Topics', items, (t) => el('TopicArn', t.arn)), opt('NextToken', next)];
};
