import { members, opt } from '../../server/protocols/query.js';
import { page, type SnsAction } from '../sns-action.js';
import { subscriptionMember } from './list-subscriptions.js';

export const listSubscriptionsByTopic: SnsAction = async (sns, p) => {
  const t = sns.registry.topic(p.get('TopicArn'));
  const { items, next } = page(sns.registry.subscriptionsOf(t.arn), (s) => s.arn, p.get('NextToken'));
  return [members('Subscriptions', items, subscriptionMember), opt('NextToken', next)];
};
