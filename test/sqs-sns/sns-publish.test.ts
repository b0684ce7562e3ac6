import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import {
  CreateTopicCommand,
  GetSubscriptionAttributesCommand,
  PublishBatchCommand,
  PublishCommand,
  SubscribeCommand,
  type SNSClient,
} from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { App } from '../../src/app/app.js';
import { rejectsWith, waitFor } from '../harness/helpers.js';
import { hooks } from '../harness/hooks.js';
import {
  queueArnOf,
  receivedBodies,
  sdkHandlers,
  subscribedQueue,
  withSnsServer,
} from './sqs-sns-helpers.js';

// Publish and delivery to SQS subscribers: the envelope, raw delivery, filter policies, MessageStructure json,
// batches, bad publishes, the UnsubscribeURL. Topics and subscriptions themselves: sns-api.test.ts.
for (const handler of sdkHandlers) {
  describe(`SNS publishing and delivery (@aws-sdk/client-sns, ${handler} handler)`, () => {
    let app: App;
    let sns: SNSClient;
    let sqs: SQSClient;
    withSnsServer(handler, (a, s, q) => {
      app = a;
      sns = s;
      sqs = q;
    });

    it('delivers the SNS notification envelope to SQS, durably before Publish returns', async () => {
      const { TopicArn, QueueUrl, SubscriptionArn } = await subscribedQueue(sns, sqs, 'envelope');
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
      const [body] = await receivedBodies(sqs, QueueUrl);
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
      const plain = JSON.parse((await receivedBodies(sqs, QueueUrl))[0]!) as Record<string, unknown>;
      assert.equal('Subject' in plain, false);
      assert.equal('MessageAttributes' in plain, false);
      assert.equal(plain.Message, 'plain');
    });

    it('delivers raw messages with their attributes when RawMessageDelivery is true', async () => {
      const { TopicArn, QueueUrl } = await subscribedQueue(sns, sqs, 'raw', { RawMessageDelivery: 'true' });
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
      const { TopicArn, QueueUrl } = await subscribedQueue(sns, sqs, 'poll');
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
      const { TopicArn, QueueUrl: attrQueue } = await subscribedQueue(sns, sqs, 'filter', {
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
      const attrMatched = (await receivedBodies(sqs, attrQueue))
        .map((b) => (JSON.parse(b) as { Message: string }).Message)
        .sort();
      assert.deepEqual(attrMatched, ['{"error":{"code":404}}', '{"error":{"code":500}}']);
      assert.deepEqual((await receivedBodies(sqs, bodyQueue!)).sort(), [
        '{"error":{"code":500}}',
        '{"error":{"code":503}}',
      ]);
    });

    it('sends each protocol its own message with MessageStructure json, and publishes batches', async () => {
      const { TopicArn, QueueUrl } = await subscribedQueue(sns, sqs, 'structured');
      await sns.send(
        new PublishCommand({
          TopicArn,
          MessageStructure: 'json',
          Message: JSON.stringify({ default: 'for everyone', sqs: 'for queues' }),
        }),
      );
      assert.equal(JSON.parse((await receivedBodies(sqs, QueueUrl))[0]!).Message, 'for queues');
      await rejectsWith(
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
      assert.deepEqual((await receivedBodies(sqs, QueueUrl)).map((b) => JSON.parse(b).Message).sort(), [
        'first',
        'second',
      ]);
    });

    it('rejects invalid publishes with SNS errors', async () => {
      const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'strict' }));
      await rejectsWith(
        sns.send(new PublishCommand({ TopicArn, Message: '' })),
        'InvalidParameterException',
        /Empty message/,
      );
      await rejectsWith(
        sns.send(new PublishCommand({ TopicArn, Message: 'x'.repeat(256 * 1024 + 1) })),
        'InvalidParameterException',
        /too long/,
      );
      await rejectsWith(
        sns.send(new PublishCommand({ TopicArn, Message: 'x', Subject: 'line\nbreak' })),
        'InvalidParameterException',
        /Subject/,
      );
      await rejectsWith(
        sns.send(
          new PublishCommand({
            TopicArn,
            Message: 'x',
            MessageAttributes: { a: { DataType: 'Float', StringValue: '1' } },
          }),
        ),
        'InvalidParameterValueException',
      );
      const err = await rejectsWith(
        sns.send(new PublishCommand({ TopicArn: `${TopicArn}-missing`, Message: 'x' })),
        'NotFoundException',
      );
      assert.equal(err.$metadata.httpStatusCode, 404);
      await rejectsWith(sns.send(new PublishCommand({ Message: 'x' })), 'InvalidParameterException');
    });

    it('unsubscribes through the UnsubscribeURL of a notification', async () => {
      const { TopicArn, QueueUrl, SubscriptionArn } = await subscribedQueue(sns, sqs, 'unsub-url');
      await sns.send(new PublishCommand({ TopicArn, Message: 'bye' }));
      const url = (JSON.parse((await receivedBodies(sqs, QueueUrl))[0]!) as { UnsubscribeURL: string })
        .UnsubscribeURL;
      const res = await fetch(url);
      const text = await res.text();
      assert.equal(res.status, 200, text);
      assert.match(text, /<UnsubscribeResponse/);
      await rejectsWith(
        sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn })),
        'NotFoundException',
      );
    });
  });
}
