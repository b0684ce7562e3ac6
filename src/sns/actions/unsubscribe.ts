import type { SnsAction } from '../sns-action.js';

export const unsubscribe: SnsAction = async (sns, p) => {
  await sns.registry.unsubscribe(sns.registry.subscription(p.get('SubscriptionArn')));
  return undefined;
};
