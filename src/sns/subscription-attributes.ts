import { invalidParameter } from './errors.js';
import { compileFilterPolicy, type FilterScope } from './filter-policy.js';
import type { SubscriptionMeta } from './model.js';

const SETTABLE = new Set([
  'DeliveryPolicy',
  'FilterPolicy',
  'FilterPolicyScope',
  'RawMessageDelivery',
  'RedrivePolicy',
  'SubscriptionRoleArn',
  'ReplayPolicy',
]);

/** Validates a set of subscription attributes as they would be after the change. */
export function checkSubscriptionAttributes(attrs: Record<string, string>): void {
  for (const [name, value] of Object.entries(attrs)) {
    if (!SETTABLE.has(name)) throw invalidParameter('AttributeName');
    if (name === 'RawMessageDelivery' && value !== 'true' && value !== 'false') {
      throw invalidParameter(
        `Attributes Reason: RawMessageDelivery: Invalid value [${value}]. Must be true or false.`,
      );
    }
    if (name === 'FilterPolicyScope' && value !== 'MessageAttributes' && value !== 'MessageBody') {
      throw invalidParameter(
        `Attributes Reason: FilterPolicyScope: Invalid value [${value}]. Please use either MessageBody or MessageAttributes`,
      );
    }
  }
  if (attrs.FilterPolicy)
    compileFilterPolicy(attrs.FilterPolicy, (attrs.FilterPolicyScope ?? 'MessageAttributes') as FilterScope);
}

/** GetSubscriptionAttributes. */
export function subscriptionAttributes(s: SubscriptionMeta): Record<string, string> {
  const out: Record<string, string> = {
    SubscriptionArn: s.arn,
    TopicArn: s.topicArn,
    Owner: s.owner,
    Protocol: s.protocol,
    Endpoint: s.endpoint,
    ConfirmationWasAuthenticated: 'true',
    PendingConfirmation: 'false',
    RawMessageDelivery: 'false',
    ...s.attributes,
  };
  if (out.FilterPolicy && !out.FilterPolicyScope) out.FilterPolicyScope = 'MessageAttributes';
  return out;
}
