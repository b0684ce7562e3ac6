import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import {
  CreateTopicCommand,
  DeleteTopicCommand,
  GetSubscriptionAttributesCommand,
  GetTopicAttributesCommand,
  ListSubscriptionsByTopicCommand,
  ListSubscriptionsCommand,
  ListTagsForResourceCommand,
  ListTopicsCommand,
  SetSubscriptionAttributesCommand,
  SetTopicAttributesCommand,
  SubscribeCommand,
  TagResourceCommand,
  UnsubscribeCommand,
  UntagResourceCommand,
  type SNSClient,
} from '@aws-sdk/client-sns';
import { type SQSClient } from '@aws-sdk/client-sqs';
import { rejectsWith } from '../harness/helpers.js';
import { queueArnOf, sdkHandlers, subscribedQueue, withSnsServer } from './sqs-sns-helpers.js';

// Topics and subscriptions: create, list, attributes, tags, delete; publishing and delivery are in
// sns-publish.test.ts.
for (const handler of sdkHandlers) {
  describe(`SNS API over the query protocol (@aws-sdk/client-sns, ${handler} handler)`, () => {
    let sns: SNSClient;
    let sqs: SQSClient;
    withSnsServer(handler, (_a, s, q) => {
      sns = s;
      sqs = q;
    });

    it('creates topics idempotently, lists them in pages, reads and sets attributes, tags and deletes them', async () => {
      const { TopicArn } = await sns.send(
        new CreateTopicCommand({
          Name: 'alerts',
          Attributes: { DisplayName: 'Alerts' },
          Tags: [{ Key: 'team', Value: 'ops' }],
        }),
      );
      assert.equal(TopicArn, 'arn:aws:sns:us-east-1:000000000000:alerts');
      assert.equal(
        (await sns.send(new CreateTopicCommand({ Name: 'alerts', Attributes: { DisplayName: 'Alerts' } })))
          .TopicArn,
        TopicArn,
      );
      await rejectsWith(
        sns.send(new CreateTopicCommand({ Name: 'alerts', Attributes: { DisplayName: 'Other' } })),
        'InvalidParameterException',
      );
      await rejectsWith(
        sns.send(new CreateTopicCommand({ Name: 'bad name' })),
        'InvalidParameterException',
        /Topic Name/,
      );
      await rejectsWith(
        sns.send(new CreateTopicCommand({ Name: 'ordered.fifo', Attributes: { FifoTopic: 'true' } })),
        'InvalidParameterException',
        /FIFO/,
      );
      const attrs = (await sns.send(new GetTopicAttributesCommand({ TopicArn }))).Attributes!;
      assert.equal(attrs.TopicArn, TopicArn);
      assert.equal(attrs.DisplayName, 'Alerts');
      assert.equal(attrs.Owner, '000000000000');
      assert.equal(attrs.SubscriptionsConfirmed, '0');
      assert.equal(JSON.parse(attrs.Policy!).Statement[0].Resource, TopicArn);
      await sns.send(
        new SetTopicAttributesCommand({ TopicArn, AttributeName: 'DisplayName', AttributeValue: 'Renamed' }),
      );
      assert.equal(
        (await sns.send(new GetTopicAttributesCommand({ TopicArn }))).Attributes!.DisplayName,
        'Renamed',
      );
      await rejectsWith(
        sns.send(new SetTopicAttributesCommand({ TopicArn, AttributeName: 'Bogus', AttributeValue: 'x' })),
        'InvalidParameterException',
      );
      await sns.send(
        new TagResourceCommand({ ResourceArn: TopicArn, Tags: [{ Key: 'env', Value: 'test' }] }),
      );
      await sns.send(new UntagResourceCommand({ ResourceArn: TopicArn, TagKeys: ['team'] }));
      assert.deepEqual((await sns.send(new ListTagsForResourceCommand({ ResourceArn: TopicArn }))).Tags, [
        { Key: 'env', Value: 'test' },
      ]);
      for (let i = 0; i < 105; i++)
        await sns.send(new CreateTopicCommand({ Name: `bulk-${String(i).padStart(3, '0')}` }));
      const p1 = await sns.send(new ListTopicsCommand({}));
      assert.equal(p1.Topics!.length, 100);
      assert.ok(p1.NextToken);
      const p2 = await sns.send(new ListTopicsCommand({ NextToken: p1.NextToken }));
      assert.equal(p2.Topics!.length, 6);
      assert.equal(p2.NextToken, undefined);
      assert.ok([...p1.Topics!, ...p2.Topics!].some((t) => t.TopicArn === TopicArn));
      await sns.send(new DeleteTopicCommand({ TopicArn }));
      await rejectsWith(
        sns.send(new GetTopicAttributesCommand({ TopicArn })),
        'NotFoundException',
        /Topic does not exist/,
      );
      // Deleting a topic that does not exist is not an error.
      await sns.send(new DeleteTopicCommand({ TopicArn }));
      await rejectsWith(
        sns.send(new DeleteTopicCommand({ TopicArn: 'not-an-arn' })),
        'InvalidParameterException',
      );
    });

    it('subscribes queues idempotently and lists, reads, changes and removes subscriptions', async () => {
      const { TopicArn, QueueUrl, SubscriptionArn } = await subscribedQueue(sns, sqs, 'subs');
      assert.match(SubscriptionArn, new RegExp(`^${TopicArn}:[0-9a-f-]{36}$`));
      const queueArn = await queueArnOf(sqs, QueueUrl);
      const again = await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: queueArn }));
      assert.equal(again.SubscriptionArn, SubscriptionArn);
      const fn = await sns.send(
        new SubscribeCommand({
          TopicArn,
          Protocol: 'lambda',
          Endpoint: 'arn:aws:lambda:us-east-1:000000000000:function:handler',
        }),
      );
      const byTopic = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn }));
      assert.deepEqual(
        byTopic.Subscriptions!.map((s) => [s.Protocol, s.Endpoint, s.Owner, s.TopicArn]),
        [
          ['sqs', queueArn, '000000000000', TopicArn],
          ['lambda', 'arn:aws:lambda:us-east-1:000000000000:function:handler', '000000000000', TopicArn],
        ],
      );
      const all = await sns.send(new ListSubscriptionsCommand({}));
      assert.ok(all.Subscriptions!.some((s) => s.SubscriptionArn === fn.SubscriptionArn));
      const a = (await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn }))).Attributes!;
      assert.equal(a.RawMessageDelivery, 'false');
      assert.equal(a.PendingConfirmation, 'false');
      assert.equal(a.Endpoint, queueArn);
      await sns.send(
        new SetSubscriptionAttributesCommand({
          SubscriptionArn,
          AttributeName: 'RawMessageDelivery',
          AttributeValue: 'true',
        }),
      );
      assert.equal(
        (await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn }))).Attributes!
          .RawMessageDelivery,
        'true',
      );
      await rejectsWith(
        sns.send(
          new SetSubscriptionAttributesCommand({
            SubscriptionArn,
            AttributeName: 'RawMessageDelivery',
            AttributeValue: 'yes',
          }),
        ),
        'InvalidParameterException',
      );
      await rejectsWith(
        sns.send(
          new SetSubscriptionAttributesCommand({
            SubscriptionArn,
            AttributeName: 'FilterPolicy',
            AttributeValue: '{not json',
          }),
        ),
        'InvalidParameterException',
      );
      await rejectsWith(
        sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: 'https://example.com/q' })),
        'InvalidParameterException',
        /SQS endpoint/,
      );
      await rejectsWith(
        sns.send(new SubscribeCommand({ TopicArn, Protocol: 'carrier-pigeon', Endpoint: 'x' })),
        'InvalidParameterException',
        /protocol/,
      );
      await rejectsWith(
        sns.send(new SubscribeCommand({ TopicArn: `${TopicArn}-nope`, Protocol: 'sqs', Endpoint: queueArn })),
        'NotFoundException',
      );
      await sns.send(new UnsubscribeCommand({ SubscriptionArn: fn.SubscriptionArn }));
      await rejectsWith(
        sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: fn.SubscriptionArn })),
        'NotFoundException',
      );
      assert.equal(
        (await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn }))).Subscriptions!.length,
        1,
      );
    });
  });
}
