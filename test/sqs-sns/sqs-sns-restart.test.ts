import { strict as assert } from 'node:assert';
import { rmSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import {
  CreateTopicCommand,
  ListSubscriptionsByTopicCommand,
  PublishCommand,
  SubscribeCommand,
} from '@aws-sdk/client-sns';
import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ListQueuesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import type { App } from '../../src/app/app.js';
import { startTestServer, tempDir } from '../harness/helpers.js';
import { queueArnOf, snsClient, sqsClient } from './sqs-sns-helpers.js';
import { hooks } from '../harness/hooks.js';

describe('SQS and SNS survive a restart (lmdb store)', () => {
  const dataDir = tempDir('tributary-sqs-restart-');
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  async function withApp<T>(fn: (app: App) => Promise<T>): Promise<T> {
    const app = await startTestServer({ dataDir });
    try {
      return await fn(app);
    } finally {
      await app.close();
    }
  }

  it('keeps queues, messages, receive counts, in-flight visibility, topics and subscriptions', async () => {
    const first = await withApp(async (app) => {
      const sqs = sqsClient(app);
      const sns = snsClient(app);
      const { QueueUrl } = await sqs.send(
        new CreateQueueCommand({ QueueName: 'durable', Attributes: { VisibilityTimeout: '300' } }),
      );
      await sqs.send(new CreateQueueCommand({ QueueName: 'emptied' }));
      await sqs.send(
        new SendMessageCommand({
          QueueUrl,
          MessageBody: 'one',
          MessageAttributes: { k: { DataType: 'String', StringValue: 'v' } },
        }),
      );
      await sqs.send(
        new SendMessageBatchCommand({
          QueueUrl,
          Entries: [
            { Id: 'a', MessageBody: 'two' },
            { Id: 'b', MessageBody: 'three' },
          ],
        }),
      );
      // 'one' goes in flight for 300 s; 'three' is received and made visible again (count 1).
      const r1 = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 1 }));
      assert.equal(r1.Messages![0]!.Body, 'one');
      const r2 = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 2 }));
      const deleted = r2.Messages!.find((m) => m.Body === 'two')!;
      const returned = r2.Messages!.find((m) => m.Body === 'three')!;
      await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: deleted.ReceiptHandle }));
      await sqs.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl,
          ReceiptHandle: returned.ReceiptHandle,
          VisibilityTimeout: 0,
        }),
      );
      const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'durable-topic' }));
      const { SubscriptionArn } = await sns.send(
        new SubscribeCommand({
          TopicArn,
          Protocol: 'sqs',
          Endpoint: await queueArnOf(sqs, QueueUrl!),
          Attributes: { RawMessageDelivery: 'true' },
        }),
      );
      sqs.destroy();
      sns.destroy();
      return {
        QueueUrl: QueueUrl!,
        inFlightHandle: r1.Messages![0]!.ReceiptHandle!,
        TopicArn: TopicArn!,
        SubscriptionArn: SubscriptionArn!,
      };
    });

    await withApp(async (app) => {
      const sqs = sqsClient(app);
      const sns = snsClient(app);
      // The port changed: the queue is found by name whatever host the old URL carried.
      const QueueUrl = `${app.endpoint}/000000000000/durable`;
      const listed = await sqs.send(new ListQueuesCommand({}));
      assert.deepEqual(
        listed.QueueUrls!.map((u) => u.split('/').pop()),
        ['durable', 'emptied'],
      );
      const attrs = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['All'] })))
        .Attributes!;
      assert.equal(attrs.VisibilityTimeout, '300');
      assert.equal(attrs.ApproximateNumberOfMessages, '1', "'three' is visible");
      assert.equal(attrs.ApproximateNumberOfMessagesNotVisible, '1', "'one' is still in flight");
      const got = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl,
          MaxNumberOfMessages: 10,
          MessageSystemAttributeNames: ['ApproximateReceiveCount'],
        }),
      );
      assert.deepEqual(
        got.Messages!.map((m) => [m.Body, m.Attributes!.ApproximateReceiveCount]),
        [['three', '2']],
      );
      // A receipt handle issued before the restart still deletes its message.
      await sqs.send(
        new DeleteMessageCommand({ QueueUrl: first.QueueUrl, ReceiptHandle: first.inFlightHandle }),
      );
      await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: got.Messages![0]!.ReceiptHandle }));
      const subs = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: first.TopicArn }));
      assert.deepEqual(
        subs.Subscriptions!.map((s) => s.SubscriptionArn),
        [first.SubscriptionArn],
      );
      await sns.send(new PublishCommand({ TopicArn: first.TopicArn, Message: 'after restart' }));
      sqs.destroy();
      sns.destroy();
    });

    await withApp(async (app) => {
      const sqs = sqsClient(app);
      const QueueUrl = `${app.endpoint}/000000000000/durable`;
      // Deletes were durable, and so was the SNS delivery made just before the last shutdown.
      const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
      assert.deepEqual(
        got.Messages!.map((m) => m.Body),
        ['after restart'],
      );
      sqs.destroy();
    });
  });

  it('keeps messages sent through the internal API (on-failure destinations)', async () => {
    await withApp(async (app) => {
      const sqs = sqsClient(app);
      const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'failures' }));
      const arn = await queueArnOf(sqs, QueueUrl!);
      assert.equal(hooks(app).sqs.exists(arn), true);
      await hooks(app).sqs.sendMessage(arn, '{"requestContext":{"condition":"RetryAttemptsExhausted"}}');
      sqs.destroy();
    });
    await withApp(async (app) => {
      const sqs = sqsClient(app);
      const got = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: `${app.endpoint}/000000000000/failures` }),
      );
      assert.equal(got.Messages![0]!.Body, '{"requestContext":{"condition":"RetryAttemptsExhausted"}}');
      sqs.destroy();
    });
  });
});
