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
  PublishBatchCommand,
  PublishCommand,
  SetSubscriptionAttributesCommand,
  SetTopicAttributesCommand,
  SubscribeCommand,
  TagResourceCommand,
  UnsubscribeCommand,
  UntagResourceCommand,
  type SNSClient,
} from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { App } from '../../src/app/app.js';
import { waitFor, withTestServer } from '../harness/helpers.js';
import { queueArnOf, sdkHandlers, snsClient, sqsClient, rejects } from './sqs-sns-helpers.js';
import { hooks } from '../harness/hooks.js';

for (const handler of sdkHandlers) {
  describe(`SNS API over the query protocol (@aws-sdk/client-sns, ${handler} handler)`, () => {
    let app: App;
    let sns: SNSClient;
    let sqs: SQSClient;
    withTestServer(
      {},
      (a) => ({ sns: snsClient(a, handler), sqs: sqsClient(a, handler) }),
      (a, c) => {
        app = a;
        ({ sns, sqs } = c);
      },
    );

    /** A queue subscribed to a new topic. */
    async function wired(
      name: string,
      attributes?: Record<string, string>,
    ): Promise<{ TopicArn: string; QueueUrl: string; SubscriptionArn: string }> {
      const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: `${name}-topic` }));
      const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `${name}-queue` }));
      const { SubscriptionArn } = await sns.send(
        new SubscribeCommand({
          TopicArn,
          Protocol: 'sqs',
          Endpoint: await queueArnOf(sqs, QueueUrl!),
          Attributes: attributes,
        }),
      );
      return { TopicArn: TopicArn!, QueueUrl: QueueUrl!, SubscriptionArn: SubscriptionArn! };
    }

    async function bodies(QueueUrl: string): Promise<string[]> {
      const r = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, MessageAttributeNames: ['All'] }),
      );
      return (r.Messages ?? []).map((m) => m.Body!);
    }

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
      await rejects(
        sns.send(new CreateTopicCommand({ Name: 'alerts', Attributes: { DisplayName: 'Other' } })),
        'InvalidParameterException',
      );
      await rejects(
        sns.send(new CreateTopicCommand({ Name: 'bad name' })),
        'InvalidParameterException',
        /Topic Name/,
      );
      await rejects(
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
      await rejects(
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
      await rejects(
        sns.send(new GetTopicAttributesCommand({ TopicArn })),
        'NotFoundException',
        /Topic does not exist/,
      );
      // Deleting a topic that does not exist is not an error.
      await sns.send(new DeleteTopicCommand({ TopicArn }));
      await rejects(
        sns.send(new DeleteTopicCommand({ TopicArn: 'not-an-arn' })),
        'InvalidParameterException',
      );
    });

    it('subscribes queues idempotently and lists, reads, changes and removes subscriptions', async () => {
      const { TopicArn, QueueUrl, SubscriptionArn } = await wired('subs');
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
      await rejects(
        sns.send(
          new SetSubscriptionAttributesCommand({
            SubscriptionArn,
            AttributeName: 'RawMessageDelivery',
            AttributeValue: 'yes',
          }),
        ),
        'InvalidParameterException',
      );
      await rejects(
        sns.send(
          new SetSubscriptionAttributesCommand({
            SubscriptionArn,
            AttributeName: 'FilterPolicy',
            AttributeValue: '{not json',
          }),
        ),
        'InvalidParameterException',
      );
      await rejects(
        sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: 'https://example.com/q' })),
        'InvalidParameterException',
        /SQS endpoint/,
      );
      await rejects(
        sns.send(new SubscribeCommand({ TopicArn, Protocol: 'carrier-pigeon', Endpoint: 'x' })),
        'InvalidParameterException',
        /protocol/,
      );
      await rejects(
        sns.send(new SubscribeCommand({ TopicArn: `${TopicArn}-nope`, Protocol: 'sqs', Endpoint: queueArn })),
        'NotFoundException',
      );
      await sns.send(new UnsubscribeCommand({ SubscriptionArn: fn.SubscriptionArn }));
      await rejects(
        sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: fn.SubscriptionArn })),
        'NotFoundException',
      );
      assert.equal(
        (await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn }))).Subscriptions!.length,
        1,
      );
    });

    it('delivers the SNS notification envelope to SQS, durably before Publish returns', async () => {
      const { TopicArn, QueueUrl, SubscriptionArn } = await wired('envelope');
      const before = Date.now();
      const { MessageId } = await sns.send(
        new PublishCommand({
          TopicArn,
          Message: '{"requestContext":{"condition":"RetryAttemptsExhausted"}}',
          Subject: 'Failure',
          MessageAttributes: {
            kind: { DataType: 'String', StringValue: 'failure' },
            n: { DataType: 'Number', StringValue: '3' },
            blob: { DataType: 'Binary', BinaryValue: Buffer.from([1, 2, 3]) },
          },
        }),
      );
      // No waiting: the message is in the queue by the time Publish answered.
      const count = await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }),
      );
      assert.equal(count.Attributes!.ApproximateNumberOfMessages, '1');
      const [body] = await bodies(QueueUrl);
      const n = JSON.parse(body!) as Record<string, unknown>;
      assert.deepEqual(Object.keys(n), [
        'Type',
        'MessageId',
        'TopicArn',
        'Subject',
        'Message',
        'Timestamp',
        'SignatureVersion',
        'Signature',
        'SigningCertURL',
        'UnsubscribeURL',
        'MessageAttributes',
      ]);
      assert.equal(n.Type, 'Notification');
      assert.equal(n.MessageId, MessageId);
      assert.equal(n.TopicArn, TopicArn);
      assert.equal(n.Subject, 'Failure');
      assert.equal(n.Message, '{"requestContext":{"condition":"RetryAttemptsExhausted"}}');
      assert.match(n.Timestamp as string, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      assert.ok(Math.abs(Date.parse(n.Timestamp as string) - before) < 10_000);
      assert.equal(n.SignatureVersion, '1');
      assert.match(n.Signature as string, /^[A-Za-z0-9+/]+=*$/);
      assert.match(n.SigningCertURL as string, /^https:\/\/sns\.us-east-1\.amazonaws\.com\/.+\.pem$/);
      assert.equal(
        n.UnsubscribeURL,
        `${app.endpoint}/?Action=Unsubscribe&SubscriptionArn=${SubscriptionArn}`,
      );
      assert.deepEqual(n.MessageAttributes, {
        kind: { Type: 'String', Value: 'failure' },
        n: { Type: 'Number', Value: '3' },
        blob: { Type: 'Binary', Value: Buffer.from([1, 2, 3]).toString('base64') },
      });
      // SNS writes the envelope one "Key" : value per line.
      assert.match(body!, /^\{\n {2}"Type" : "Notification",\n {2}"MessageId" : "/);
      await sns.send(new PublishCommand({ TopicArn, Message: 'plain' }));
      const plain = JSON.parse((await bodies(QueueUrl))[0]!) as Record<string, unknown>;
      assert.equal('Subject' in plain, false);
      assert.equal('MessageAttributes' in plain, false);
      assert.equal(plain.Message, 'plain');
    });

    it('delivers raw messages with their attributes when RawMessageDelivery is true', async () => {
      const { TopicArn, QueueUrl } = await wired('raw', { RawMessageDelivery: 'true' });
      await sns.send(
        new PublishCommand({
          TopicArn,
          Message: 'just the body',
          MessageAttributes: {
            a: { DataType: 'String', StringValue: 'x' },
            list: { DataType: 'String.Array', StringValue: '["p","q"]' },
          },
        }),
      );
      const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MessageAttributeNames: ['All'] }));
      const m = r.Messages![0]!;
      assert.equal(m.Body, 'just the body');
      assert.deepEqual(m.MessageAttributes, {
        a: { DataType: 'String', StringValue: 'x' },
        list: { DataType: 'String', StringValue: '["p","q"]' },
      });
    });

    it('wakes a long poll on the subscribed queue', async () => {
      const { TopicArn, QueueUrl } = await wired('poll');
      const poll = sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 20 }));
      await waitFor(
        () => hooks(app).sqs.queues.byName('poll-queue')?.waiters.size === 1,
        5000,
        'a waiting receive',
      );
      const t0 = Date.now();
      await sns.send(new PublishCommand({ TopicArn, Message: 'fan-out' }));
      const r = await poll;
      // The message in the answer proves the publish woke the poll (one not woken answers empty at its
      // deadline); the bound only says "long before the 20 s wait", generous for a loaded machine.
      assert.equal(JSON.parse(r.Messages![0]!.Body!).Message, 'fan-out');
      assert.ok(Date.now() - t0 < 10_000);
    });

    it('applies filter policies on message attributes and on the message body', async () => {
      const { TopicArn, QueueUrl: attrQueue } = await wired('filter', {
        FilterPolicy: JSON.stringify({
          severity: ['high', { prefix: 'crit' }],
          count: [{ numeric: ['>', 5] }],
        }),
      });
      const { QueueUrl: bodyQueue } = await sqs.send(new CreateQueueCommand({ QueueName: 'filter-body' }));
      await sns.send(
        new SubscribeCommand({
          TopicArn,
          Protocol: 'sqs',
          Endpoint: await queueArnOf(sqs, bodyQueue!),
          Attributes: {
            FilterPolicyScope: 'MessageBody',
            FilterPolicy: JSON.stringify({ error: { code: [500, 503] } }),
            RawMessageDelivery: 'true',
          },
        }),
      );
      const pub = (message: string, attrs: Record<string, [string, string]>): Promise<unknown> =>
        sns.send(
          new PublishCommand({
            TopicArn,
            Message: message,
            MessageAttributes: Object.fromEntries(
              Object.entries(attrs).map(([k, [t, v]]) => [k, { DataType: t, StringValue: v }]),
            ),
          }),
        );
      await pub('{"error":{"code":500}}', { severity: ['String', 'high'], count: ['Number', '6'] });
      await pub('{"error":{"code":404}}', { severity: ['String', 'critical'], count: ['Number', '10'] });
      await pub('{"error":{"code":503}}', { severity: ['String', 'low'], count: ['Number', '10'] });
      await pub('not json', { severity: ['String', 'high'], count: ['Number', '1'] });
      const attrMatched = (await bodies(attrQueue))
        .map((b) => (JSON.parse(b) as { Message: string }).Message)
        .sort();
      assert.deepEqual(attrMatched, ['{"error":{"code":404}}', '{"error":{"code":500}}']);
      assert.deepEqual((await bodies(bodyQueue!)).sort(), [
        '{"error":{"code":500}}',
        '{"error":{"code":503}}',
      ]);
    });

    it('sends each protocol its own message with MessageStructure json, and publishes batches', async () => {
      const { TopicArn, QueueUrl } = await wired('structured');
      await sns.send(
        new PublishCommand({
          TopicArn,
          MessageStructure: 'json',
          Message: JSON.stringify({ default: 'for everyone', sqs: 'for queues' }),
        }),
      );
      assert.equal(JSON.parse((await bodies(QueueUrl))[0]!).Message, 'for queues');
      await rejects(
        sns.send(
          new PublishCommand({ TopicArn, MessageStructure: 'json', Message: JSON.stringify({ sqs: 'x' }) }),
        ),
        'InvalidParameterException',
        /No default entry/,
      );
      const batch = await sns.send(
        new PublishBatchCommand({
          TopicArn,
          PublishBatchRequestEntries: [
            { Id: 'one', Message: 'first' },
            { Id: 'two', Message: 'second', Subject: 'S' },
            { Id: 'bad', Message: '' },
          ],
        }),
      );
      assert.deepEqual(
        batch.Successful!.map((s) => s.Id),
        ['one', 'two'],
      );
      assert.equal(batch.Failed![0]!.Id, 'bad');
      assert.equal(batch.Failed![0]!.Code, 'InvalidParameter');
      assert.deepEqual((await bodies(QueueUrl)).map((b) => JSON.parse(b).Message).sort(), [
        'first',
        'second',
      ]);
    });

    it('rejects invalid publishes with SNS errors', async () => {
      const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'strict' }));
      await rejects(
        sns.send(new PublishCommand({ TopicArn, Message: '' })),
        'InvalidParameterException',
        /Empty message/,
      );
      await rejects(
        sns.send(new PublishCommand({ TopicArn, Message: 'x'.repeat(256 * 1024 + 1) })),
        'InvalidParameterException',
        /too long/,
      );
      await rejects(
        sns.send(new PublishCommand({ TopicArn, Message: 'x', Subject: 'line\nbreak' })),
        'InvalidParameterException',
        /Subject/,
      );
      await rejects(
        sns.send(
          new PublishCommand({
            TopicArn,
            Message: 'x',
            MessageAttributes: { a: { DataType: 'Float', StringValue: '1' } },
          }),
        ),
        'InvalidParameterValueException',
      );
      const err = await rejects(
        sns.send(new PublishCommand({ TopicArn: `${TopicArn}-missing`, Message: 'x' })),
        'NotFoundException',
      );
      assert.equal(err.$metadata.httpStatusCode, 404);
      await rejects(sns.send(new PublishCommand({ Message: 'x' })), 'InvalidParameterException');
    });

    it('unsubscribes through the UnsubscribeURL of a notification', async () => {
      const { TopicArn, QueueUrl, SubscriptionArn } = await wired('unsub-url');
      await sns.send(new PublishCommand({ TopicArn, Message: 'bye' }));
      const url = (JSON.parse((await bodies(QueueUrl))[0]!) as { UnsubscribeURL: string }).UnsubscribeURL;
      const res = await fetch(url);
      const text = await res.text();
      assert.equal(res.status, 200, text);
      assert.match(text, /<UnsubscribeResponse/);
      await rejects(sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn })), 'NotFoundException');
    });
  });
}
