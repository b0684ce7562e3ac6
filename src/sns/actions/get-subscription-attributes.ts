import { operation } from '../../server/operations.js';
import { required, string, structure } from '../../server/shapes.js';
import { ATTRIBUTES, type SnsContext } from '../sns-action.js';
import { subscriptionAttributes } from '../subscription-attributes.js';

export const getSubscriptionAttributes = operation({
  input: structure({ SubscriptionArn: required(string()) }),
  output: structure({ Attributes: ATTRIBUTES }),
  async run(sns: SnsContext, input) {
    return { Attributes: subscriptionAttributes(sns.registry.subscription(input.SubscriptionArn)) };
  },
});
