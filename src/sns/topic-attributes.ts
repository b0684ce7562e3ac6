import { invalidParameter } from './errors.js';
import type { TopicMeta } from './model.js';
import type { TopicRegistry } from './topic-registry.js';

const SETTABLE = new Set([
  'DisplayName',
  'Policy',
  'DeliveryPolicy',
  'KmsMasterKeyId',
  'TracingConfig',
  'SignatureVersion',
  'ArchivePolicy',
  'DataProtectionPolicy',
  'ContentBasedDeduplication',
  'FifoTopic',
  'FifoThroughputScope',
]);
const FEEDBACK =
  /^(HTTP|HTTPS|SQS|Lambda|Firehose|Application)(SuccessFeedbackRoleArn|FailureFeedbackRoleArn|SuccessFeedbackSampleRate)$/;

export function checkTopicAttribute(name: string, value: string): void {
  if (!SETTABLE.has(name) && !FEEDBACK.test(name)) throw invalidParameter('AttributeName');
  const json =
    name === 'Policy' ||
    name === 'DeliveryPolicy' ||
    name === 'ArchivePolicy' ||
    name === 'DataProtectionPolicy';
  if (json && value !== '') {
    try {
      JSON.parse(value);
    } catch {
      throw invalidParameter(`${name}: failed to parse JSON.`);
    }
  }
  if (name === 'DisplayName' && value.length > 100) throw invalidParameter('DisplayName');
  if (name === 'TracingConfig' && value !== 'Active' && value !== 'PassThrough')
    throw invalidParameter('TracingConfig');
  if (name === 'SignatureVersion' && value !== '1' && value !== '2')
    throw invalidParameter('SignatureVersion');
}

function defaultPolicy(t: TopicMeta, account: string): string {
  return JSON.stringify({
    Version: '2008-10-17',
    Id: '__default_policy_ID',
    Statement: [
      {
        Sid: '__default_statement_ID',
        Effect: 'Allow',
        Principal: { AWS: '*' },
        Action: [
          'SNS:GetTopicAttributes',
          'SNS:SetTopicAttributes',
          'SNS:AddPermission',
          'SNS:RemovePermission',
          'SNS:DeleteTopic',
          'SNS:Subscribe',
          'SNS:ListSubscriptionsByTopic',
          'SNS:Publish',
        ],
        Resource: t.arn,
        Condition: { StringEquals: { 'AWS:SourceOwner': account } },
      },
    ],
  });
}

const EFFECTIVE_DELIVERY_POLICY = JSON.stringify({
  http: {
    defaultHealthyRetryPolicy: {
      minDelayTarget: 20,
      maxDelayTarget: 20,
      numRetries: 3,
      numMaxDelayRetries: 0,
      numNoDelayRetries: 0,
      numMinDelayRetries: 0,
      backoffFunction: 'linear',
    },
    disableSubscriptionOverrides: false,
    defaultRequestPolicy: { headerContentType: 'text/plain; charset=UTF-8' },
  },
});

/** GetTopicAttributes: the set attributes plus what SNS computes. */
export function topicAttributes(
  t: TopicMeta,
  registry: TopicRegistry,
  account: string,
): Record<string, string> {
  const subs = registry.subscriptionsOf(t.arn).length;
  return {
    TopicArn: t.arn,
    Owner: account,
    Policy: defaultPolicy(t, account),
    DisplayName: '',
    SubscriptionsConfirmed: String(subs),
    SubscriptionsPending: '0',
    SubscriptionsDeleted: '0',
    EffectiveDeliveryPolicy: EFFECTIVE_DELIVERY_POLICY,
    ...t.attributes,
  };
}
