import { el, members, opt } from '../../server/protocols/query.js';
import type { SubscriptionMeta } from '../model.js';
import { page, type SnsAction } from '../sns-action.js';

export function subscriptionMember(s: SubscriptionMeta): ReturnType<typeof el>[] {
  return [
    el('SubscriptionArn', s.arn),
    el('Owner', s.owner),
    el('Protocol', s.protocol),
    el('Endpoint', s.endpoint),
    el('TopicArn', s.topicArn),
  ];
}

export const listSubscriptions: SnsAction = async (sns, p) => {
  const { items, next } = page(sns.registry.listSubscriptions(), (s) => s.arn, p.get('NextToken'));
  return [members('Subscriptions', items, subscriptionMember), opt('NextToken', next)];
};
