import {
  AddTagsToStreamCommand,
  CreateStreamCommand,
  DecreaseStreamRetentionPeriodCommand,
  DeleteStreamCommand,
  DeregisterStreamConsumerCommand,
  DescribeStreamConsumerCommand,
  DescribeStreamSummaryCommand,
  IncreaseStreamRetentionPeriodCommand,
  RegisterStreamConsumerCommand,
  RemoveTagsFromStreamCommand,
  UpdateShardCountCommand,
  type KinesisClient,
  type StreamModeDetails,
} from '@aws-sdk/client-kinesis';
import {
  CreateQueueCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  SetQueueAttributesCommand,
} from '@aws-sdk/client-sqs';
import {
  CreateTopicCommand,
  DeleteTopicCommand,
  ListSubscriptionsByTopicCommand,
  SetTopicAttributesCommand,
  SubscribeCommand,
  UnsubscribeCommand,
  type SNSClient,
} from '@aws-sdk/client-sns';
import { physicalName } from './expand.js';
import { TYPES } from './schema.js';
import {
  deleteIfPresent,
  num,
  same,
  str,
  tagMap,
  until,
  type Deployed,
  type ResourceCall,
  type ResourceHandler,
} from './resource-handler.js';

/** Until the stream is ACTIVE; its ARN. */
async function activeStream(k: KinesisClient, name: string): Promise<string> {
  return until(async () => {
    const s = (await k.send(new DescribeStreamSummaryCommand({ StreamName: name }))).StreamDescriptionSummary;
    return s?.StreamStatus === 'ACTIVE' ? s.StreamARN : undefined;
  }, `stream ${name} to be ACTIVE`);
}

/** AWS::Kinesis::Stream: Ref is the name, GetAtt Arn. Name is the only property that replaces it. */
export const kinesisStream: ResourceHandler = {
  async create(c) {
    const k = c.clients.kinesis;
    const name = str(c.props['Name']) ?? physicalName(c.stackName, c.logicalId, 128);
    const mode = c.props['StreamModeDetails'] as StreamModeDetails | undefined;
    await k.send(
      new CreateStreamCommand({
        StreamName: name,
        ShardCount: num(c.props['ShardCount']) ?? (mode?.StreamMode === 'ON_DEMAND' ? undefined : 1),
        StreamModeDetails: mode,
      }),
    );
    const arn = await activeStream(k, name);
    await retention(k, name, 24, num(c.props['RetentionPeriodHours']) ?? 24);
    await tags(k, name, undefined, c.props['Tags']);
    return { physicalId: name, attributes: { Arn: arn } };
  },
  async update(c, old) {
    const k = c.clients.kinesis;
    const name = old.deployed.physicalId;
    if ((str(c.props['Name']) ?? name) !== name) return 'replace';
    const shards = num(c.props['ShardCount']);
    if (shards !== undefined && shards !== (num(old.props['ShardCount']) ?? 1)) {
      await k.send(
        new UpdateShardCountCommand({
          StreamName: name,
          TargetShardCount: shards,
          ScalingType: 'UNIFORM_SCALING',
        }),
      );
      await activeStream(k, name);
    }
    await retention(
      k,
      name,
      num(old.props['RetentionPeriodHours']) ?? 24,
      num(c.props['RetentionPeriodHours']) ?? 24,
    );
    await activeStream(k, name);
    await tags(k, name, old.props['Tags'], c.props['Tags']);
    return old.deployed;
  },
  async delete(c, d) {
    await deleteIfPresent(
      () =>
        c.clients.kinesis.send(
          new DeleteStreamCommand({ StreamName: d.physicalId, EnforceConsumerDeletion: true }),
        ),
      'ResourceNotFoundException',
    );
  },
};

async function retention(k: KinesisClient, name: string, from: number, to: number): Promise<void> {
  if (from === to) return;
  if (to > from)
    await k.send(new IncreaseStreamRetentionPeriodCommand({ StreamName: name, RetentionPeriodHours: to }));
  else await k.send(new DecreaseStreamRetentionPeriodCommand({ StreamName: name, RetentionPeriodHours: to }));
}

async function tags(k: KinesisClient, name: string, before: unknown, after: unknown): Promise<void> {
  const a = tagMap(before) ?? {};
  const b = tagMap(after) ?? {};
  const gone = Object.keys(a).filter((x) => !(x in b));
  if (gone.length > 0) await k.send(new RemoveTagsFromStreamCommand({ StreamName: name, TagKeys: gone }));
  if (!same(a, b) && Object.keys(b).length > 0)
    await k.send(new AddTagsToStreamCommand({ StreamName: name, Tags: b }));
}

/** AWS::Kinesis::StreamConsumer: Ref and GetAtt ConsumerARN; any change registers a new consumer. */
export const streamConsumer: ResourceHandler = {
  deleteBeforeReplace: true,
  async create(c) {
    const k = c.clients.kinesis;
    const r = await k.send(
      new RegisterStreamConsumerCommand({
        StreamARN: str(c.props['StreamARN']),
        ConsumerName: str(c.props['ConsumerName']),
      }),
    );
    const arn = r.Consumer!.ConsumerARN!;
    const d = await until(async () => {
      const x = (await k.send(new DescribeStreamConsumerCommand({ ConsumerARN: arn }))).ConsumerDescription;
      return x?.ConsumerStatus === 'ACTIVE' ? x : undefined;
    }, `consumer ${arn} to be ACTIVE`);
    return {
      physicalId: arn,
      attributes: {
        ConsumerARN: arn,
        ConsumerName: d.ConsumerName ?? '',
        ConsumerStatus: d.ConsumerStatus ?? '',
        ConsumerCreationTimestamp: d.ConsumerCreationTimestamp?.toISOString() ?? '',
        StreamARN: d.StreamARN ?? '',
      },
    };
  },
  async update() {
    return 'replace';
  },
  async delete(c, d) {
    await deleteIfPresent(
      () => c.clients.kinesis.send(new DeregisterStreamConsumerCommand({ ConsumerARN: d.physicalId })),
      'ResourceNotFoundException',
    );
  },
};

/** The queue's properties SQS takes as attributes: all but its name, FIFO-ness (fixed at creation) and tags. */
const QUEUE_ATTRIBUTES = TYPES['AWS::SQS::Queue']!.properties.filter(
  (p) => !['QueueName', 'FifoQueue', 'Tags'].includes(p),
);

/** The queue attributes the properties set, as SQS takes them (strings; RedrivePolicy as JSON text). */
function queueAttributes(props: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const a of QUEUE_ATTRIBUTES) {
    const v = props[a];
    if (v !== undefined) out[a] = typeof v === 'object' ? JSON.stringify(v) : String(v);
  }
  return out;
}

/** AWS::SQS::Queue: Ref is the URL; GetAtt Arn, QueueName, QueueUrl. QueueName and FifoQueue replace it. */
export const sqsQueue: ResourceHandler = {
  async create(c) {
    const fifo = c.props['FifoQueue'] === true || c.props['FifoQueue'] === 'true';
    const name =
      str(c.props['QueueName']) ??
      physicalName(c.stackName, c.logicalId, fifo ? 75 : 80) + (fifo ? '.fifo' : '');
    const r = await c.clients.sqs.send(
      new CreateQueueCommand({
        QueueName: name,
        Attributes: { ...queueAttributes(c.props), ...(fifo ? { FifoQueue: 'true' } : {}) },
        tags: tagMap(c.props['Tags']),
      }),
    );
    const url = r.QueueUrl!;
    const a = await c.clients.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }),
    );
    return {
      physicalId: url,
      attributes: { Arn: a.Attributes?.['QueueArn'] ?? '', QueueName: name, QueueUrl: url },
    };
  },
  async update(c, old) {
    if (
      !same(c.props['QueueName'], old.props['QueueName']) ||
      !same(c.props['FifoQueue'], old.props['FifoQueue'])
    )
      return 'replace';
    const attrs = queueAttributes(c.props);
    // An attribute no longer given goes back to SQS's default.
    const defaults: Record<string, string> = {
      DelaySeconds: '0',
      MaximumMessageSize: '262144',
      MessageRetentionPeriod: '345600',
      ReceiveMessageWaitTimeSeconds: '0',
      VisibilityTimeout: '30',
      RedrivePolicy: '',
    };
    for (const k of Object.keys(queueAttributes(old.props)))
      if (!(k in attrs) && k in defaults) attrs[k] = defaults[k]!;
    if (Object.keys(attrs).length > 0)
      await c.clients.sqs.send(
        new SetQueueAttributesCommand({ QueueUrl: old.deployed.physicalId, Attributes: attrs }),
      );
    return old.deployed;
  },
  async delete(c, d) {
    await deleteIfPresent(
      () => c.clients.sqs.send(new DeleteQueueCommand({ QueueUrl: d.physicalId })),
      'QueueDoesNotExist',
      'AWS.SimpleQueueService.NonExistentQueue',
    );
  },
};

type Subscription = { Endpoint?: unknown; Protocol?: unknown };
const subKey = (s: Subscription): string => `${String(s.Protocol)} ${String(s.Endpoint)}`;

async function subscriptions(sns: SNSClient, topicArn: string, want: unknown): Promise<void> {
  const wanted = new Map((Array.isArray(want) ? (want as Subscription[]) : []).map((s) => [subKey(s), s]));
  const have = new Map<string, string>();
  let token: string | undefined;
  do {
    const r = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn, NextToken: token }));
    for (const s of r.Subscriptions ?? []) have.set(`${s.Protocol} ${s.Endpoint}`, s.SubscriptionArn ?? '');
    token = r.NextToken;
  } while (token);
  for (const [key, arn] of have)
    if (!wanted.has(key)) await sns.send(new UnsubscribeCommand({ SubscriptionArn: arn }));
  for (const [key, s] of wanted)
    if (!have.has(key))
      await sns.send(
        new SubscribeCommand({
          TopicArn: topicArn,
          Protocol: String(s.Protocol),
          Endpoint: String(s.Endpoint),
        }),
      );
}

/** AWS::SNS::Topic: Ref is the ARN; GetAtt TopicArn, TopicName. TopicName and FifoTopic replace it. */
export const snsTopic: ResourceHandler = {
  async create(c) {
    const fifo = c.props['FifoTopic'] === true || c.props['FifoTopic'] === 'true';
    const name =
      str(c.props['TopicName']) ??
      physicalName(c.stackName, c.logicalId, fifo ? 251 : 256) + (fifo ? '.fifo' : '');
    const attributes: Record<string, string> = {};
    if (c.props['DisplayName'] !== undefined) attributes['DisplayName'] = String(c.props['DisplayName']);
    if (fifo) attributes['FifoTopic'] = 'true';
    const tags = Object.entries(tagMap(c.props['Tags']) ?? {}).map(([Key, Value]) => ({ Key, Value }));
    const r = await c.clients.sns.send(
      new CreateTopicCommand({
        Name: name,
        Attributes: attributes,
        ...(tags.length > 0 ? { Tags: tags } : {}),
      }),
    );
    const arn = r.TopicArn!;
    await subscriptions(c.clients.sns, arn, c.props['Subscription']);
    return { physicalId: arn, attributes: { TopicArn: arn, TopicName: name } };
  },
  async update(c, old): Promise<Deployed | 'replace'> {
    if (
      !same(c.props['TopicName'], old.props['TopicName']) ||
      !same(c.props['FifoTopic'], old.props['FifoTopic'])
    )
      return 'replace';
    const arn = old.deployed.physicalId;
    if (!same(c.props['DisplayName'], old.props['DisplayName']))
      await c.clients.sns.send(
        new SetTopicAttributesCommand({
          TopicArn: arn,
          AttributeName: 'DisplayName',
          AttributeValue: str(c.props['DisplayName']) ?? '',
        }),
      );
    await subscriptions(c.clients.sns, arn, c.props['Subscription']);
    return old.deployed;
  },
  async delete(c, d) {
    await c.clients.sns.send(new DeleteTopicCommand({ TopicArn: d.physicalId }));
  },
};

export type { ResourceCall };
