import { operation } from '../../server/operations.js';
import { required, string, structure } from '../../server/shapes.js';
import type { SnsContext } from '../sns-action.js';

export const unsubscribe = operation({
  input: structure({ SubscriptionArn: required(string()) }),
  async run(sns: SnsContext, input) {
    await sns.registry.unsubscribe(sns.registry.subscription(input.SubscriptionArn));
  },
});
