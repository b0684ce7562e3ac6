import { invalidParameter } from '../errors.js';
import type { SnsAction } from '../sns-action.js';
import { checkSubscriptionAttributes } from '../subscription-attributes.js';

export const setSubscriptionAttributes: SnsAction = async (sns, p) => {
  const s = sns.registry.subscription(p.get('SubscriptionArn'));
  const name = p.get('AttributeName');
  if (name === undefined || name === '') throw invalidParameter('AttributeName');
  const value = p.get('AttributeValue') ?? '';
  const next = { ...s.attributes };
  // An empty FilterPolicy removes the filter, as on AWS.
  if (value === '' && name !== 'RawMessageDelivery') delete next[name];
  else next[name] = value;
  checkSubscriptionAttributes(next);
  await sns.registry.updateSubscription(s, (m) => ({ ...m, attributes: next }));
  return undefined;
};
