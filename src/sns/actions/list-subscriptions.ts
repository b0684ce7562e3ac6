import { operation } from '../../server/operations.js';
import { list, string, structure } from '../../server/shapes.js';
import type { SubscriptionMeta } from '../model.js';
import { page, type SnsContext } from '../sns-action.js';

/** A page of subscriptions (ListSubscriptions, ListSubscriptionsByTopic). */
export const SUBSCRIPTIONS_PAGE = structure({
  Subscriptions: list(
    structure({
      SubscriptionArn: string(),
      Owner: string(),
      Protocol: string(),
      Endpoint: string(),
      TopicArn: string(),
    }),
  ),
  NextToken: string(),
});

export function subscriptionsPage(
  subscriptions: readonly SubscriptionMeta[],
  token: string | undefined,
): { Subscriptions: object[]; NextToken?: string } {
  const { items, next } = page(subscriptions, (s) => s.arn, token);
  const Subscriptions = items.map((s) => ({
    SubscriptionArn: s.arn,
    Owner: s.owner,
    Protocol: s.protocol,
    Endpoint: s.endpoint,
    TopicArn: s.topicArn,
  }));
  return next === undefined ? { Subscriptions } : { Subscriptions, NextToken: next };
}

export const listSubscriptions = operation({
  input: structure({ NextToken: string() }),
  output: SUBSCRIPTIONS_PAGE,
  async run(sns: SnsContext, input) {
    return subscriptionsPage(sns.registry.listSubscriptions(), input.NextToken);
  },
});
