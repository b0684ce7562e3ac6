import { operation } from '../../server/operations.js';
import { required, string, structure } from '../../server/shapes.js';
import { invalidParameter } from '../errors.js';
import type { SnsContext } from '../sns-action.js';
import { checkSubscriptionAttributes } from '../subscription-attributes.js';

export const setSubscriptionAttributes = operation({
  // AttributeName is required, but SNS names a missing one without a Reason (checked below).
  input: structure({
    SubscriptionArn: required(string()),
    AttributeName: string(),
    AttributeValue: string(),
  }),
  async run(sns: SnsContext, input) {
    const s = sns.registry.subscription(input.SubscriptionArn);
    const name = input.AttributeName;
    if (name === undefined || name === '') throw invalidParameter('AttributeName');
    const value = input.AttributeValue ?? '';
    const next = { ...s.attributes };
    // An empty FilterPolicy removes the filter, as on AWS.
    if (value === '' && name !== 'RawMessageDelivery') delete next[name];
    else next[name] = value;
    checkSubscriptionAttributes(next);
    await sns.registry.updateSubscription(s, (m) => ({ ...m, attributes: next }));
  },
});
