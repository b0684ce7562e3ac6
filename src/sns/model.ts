/** Persisted shapes of SNS topics and subscriptions. */

/** One document per topic (namespace `sns.topic`, id = topic name). */
export interface TopicMeta {
  name: string;
  arn: string;
  /** Settable attributes as set (DisplayName, Policy, DeliveryPolicy, ...). */
  attributes: Record<string, string>;
  tags: Record<string, string>;
  /** Epoch ms. */
  createdAt: number;
}

export type SubscriptionProtocol = 'sqs' | 'lambda';

/** One document per subscription (namespace `sns.sub`, id = the subscription's uuid). */
export interface SubscriptionMeta {
  id: string;
  arn: string;
  topicArn: string;
  protocol: SubscriptionProtocol;
  /** Queue ARN (sqs) or function ARN (lambda). */
  endpoint: string;
  owner: string;
  /** RawMessageDelivery, FilterPolicy, FilterPolicyScope, ... as set. */
  attributes: Record<string, string>;
  createdAt: number;
}

/** A published message attribute (BinaryValue base64). */
export interface SnsMessageAttribute {
  DataType: string;
  StringValue?: string;
  BinaryValue?: string;
}

export type SnsMessageAttributes = Record<string, SnsMessageAttribute>;

/** What Publish accepted, before it is rendered per subscription. */
export interface Publication {
  messageId: string;
  topicArn: string;
  /** The message, or per-protocol messages when MessageStructure is json. */
  message: string;
  perProtocol?: Record<string, string>;
  subject?: string;
  attributes?: SnsMessageAttributes;
  /** Epoch ms. */
  timestamp: number;
}
