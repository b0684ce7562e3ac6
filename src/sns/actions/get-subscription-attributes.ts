import { entries } from '../../server/protocols/query.js';
import type { SnsAction } from '../sns-action.js';
import { subscriptionAttributes } from '../subscription-attributes.js';

export const getSubscriptionAttributes: SnsAction = async (sns, p) =>
  entries('Attributes', subscriptionAttributes(sns.registry.subscription(p.get('SubscriptionArn'))));
