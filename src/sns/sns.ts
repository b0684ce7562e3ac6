import type { AppContext, Component } from '../server/context.js';
import { queryOperations, type AnyOperation } from '../server/operations.js';
import { queryService } from '../server/protocols/query.js';
import { createTopic } from './actions/create-topic.js';
import { deleteTopic } from './actions/delete-topic.js';
import { getSubscriptionAttributes } from './actions/get-subscription-attributes.js';
import { getTopicAttributes } from './actions/get-topic-attributes.js';
import { listSubscriptions } from './actions/list-subscriptions.js';
import { listSubscriptionsByTopic } from './actions/list-subscriptions-by-topic.js';
import { listTopics } from './actions/list-topics.js';
import { publish } from './actions/publish.js';
import { publishBatch } from './actions/publish-batch.js';
import { setSubscriptionAttributes } from './actions/set-subscription-attributes.js';
import { setTopicAttributes } from './actions/set-topic-attributes.js';
import { subscribe } from './actions/subscribe.js';
import { listTagsForResource, tagResource, untagResource } from './actions/tags.js';
import { unsubscribe } from './actions/unsubscribe.js';
import { Deliverer, type SnsDeps } from './delivery.js';
import { notFound, SNS_DIALECT } from './errors.js';
import type { SnsMessageAttributes } from './model.js';
import { buildPublication } from './publication.js';
import type { SnsContext } from './sns-action.js';
import { TopicRegistry } from './topic-registry.js';

export type { SnsDeps } from './delivery.js';

/** SNS operations by query Action name. */
const OPERATIONS: Record<string, AnyOperation<SnsContext>> = {
  CreateTopic: createTopic,
  DeleteTopic: deleteTopic,
  GetSubscriptionAttributes: getSubscriptionAttributes,
  GetTopicAttributes: getTopicAttributes,
  ListSubscriptions: listSubscriptions,
  ListSubscriptionsByTopic: listSubscriptionsByTopic,
  ListTagsForResource: listTagsForResource,
  ListTopics: listTopics,
  Publish: publish,
  PublishBatch: publishBatch,
  SetSubscriptionAttributes: setSubscriptionAttributes,
  SetTopicAttributes: setTopicAttributes,
  Subscribe: subscribe,
  TagResource: tagResource,
  Unsubscribe: unsubscribe,
  UntagResource: untagResource,
};

export const SNS_API_VERSION = '2010-03-31';
const SNS_XMLNS = `http://sns.amazonaws.com/doc/${SNS_API_VERSION}/`;

export interface SnsPublishOptions {
  subject?: string;
  messageAttributes?: SnsMessageAttributes;
}

/** The SNS component: the query API on the shared port plus what other components call. */
export interface Sns extends Component {
  readonly topics: TopicRegistry;
  /**
   * Publishes to the topic `topicArn`. Resolves once every SQS subscription has the message durably and
   * every Lambda delivery is queued. Rejects with an AwsError: NotFound, or Publish's validation errors.
   */
  publish(topicArn: string, message: string, options?: SnsPublishOptions): Promise<void>;
  /** Whether a topic with this ARN exists now. */
  exists(topicArn: string): boolean;
  /**
   * Delivers to an SNS topic or an SQS queue by ARN (event source mappings' on-failure destinations): a topic is
   * published to, anything else is sent to SQS. SNS owns the choice because it is the component that knows both.
   */
  readonly destinations: SnsOrSqsDestinations;
}

/** A topic or queue ARN to deliver a message body to (structurally the mappings' DestinationSender). */
export interface SnsOrSqsDestinations {
  exists(arn: string): boolean;
  send(arn: string, body: string): Promise<void>;
}

export function createSns(app: AppContext, deps: SnsDeps): Sns {
  const topics = new TopicRegistry(app);
  const deliverer = new Deliverer(app, topics, deps);
  const context: SnsContext = { app, registry: topics, deliverer };
  const actions = queryOperations(
    { context, operations: OPERATIONS, dialect: SNS_DIALECT, errors: app.errors },
    'sns',
    { scalars: 'text' },
  );
  const exists = (topicArn: string): boolean => topics.findTopic(topicArn) !== undefined;
  const publish: Sns['publish'] = async (topicArn, message, options = {}) => {
    const t = topics.findTopic(topicArn);
    if (!t) throw notFound('Topic does not exist');
    const pub = buildPublication(t, {
      Message: message,
      MessageAttributes: options.messageAttributes ?? {},
      ...(options.subject !== undefined ? { Subject: options.subject } : {}),
    });
    await deliverer.publish(pub);
  };
  return {
    name: 'sns',
    topics,
    services: [queryService({ name: 'sns', version: SNS_API_VERSION, xmlns: SNS_XMLNS, actions })],
    publish,
    exists,
    destinations: {
      exists: (arn) => exists(arn) || deps.sqs.exists(arn),
      send: (arn, body) => (exists(arn) ? publish(arn, body) : deps.sqs.sendMessage(arn, body)),
    },
    async close() {},
  };
}
