import { operation } from '../../server/operations.js';
import { string, structure } from '../../server/shapes.js';
import { TOPIC_ARN_MEMBER, type SnsContext } from '../sns-action.js';
import { SUBSCRIPTIONS_PAGE, subscriptionsPage } from './list-subscriptions.js';

export const listSubscriptionsByTopic = operation({
  input: structure({ TopicArn: TOPIC_ARN_MEMBER, NextToken: string() }),
  output: SUBSCRIPTIONS_PAGE,
  async run(sns: SnsContext, input) {
    const t = sns.registry.topic(input.TopicArn);
    return subscriptionsPage(sns.registry.subscriptionsOf(t.arn), input.NextToken);
  },
});
