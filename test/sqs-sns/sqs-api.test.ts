import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  GetQueueUrlCommand,
  ListQueuesCommand,
  QueueDoesNotExist,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { App } from '../../src/app/app.js';
import { rejectsWith } from '../harness/helpers.js';
import { jsonPost, sdkHandlers, counts, withSqsServer } from './sqs-sns-helpers.js';

const md5 = (s: string): string => createHash('md5').update(s).digest('hex');

for (const handler of sdkHandlers) {
  describe(`SQS API over AWS JSON 1.0 (@aws-sdk/client-sqs, ${handler} handler)`, () => {
    let app: App;
    let sqs: SQSClient;
    withSqsServer(handler, (a, c) => {
      app = a;
      sqs = c;
    });

    it('creates queues idempotently, finds them by name and lists them by prefix with paging', async () => {
      const { QueueUrl } = await sqs.send(
        new CreateQueueCommand({ QueueName: 'orders', Attributes: { VisibilityTimeout: '45' } }),
      );
      const host = new URL(app.endpoint).host;
      assert.equal(QueueUrl, `http://${host}/000000000000/orders`);
      const again = await sqs.send(
        new CreateQueueCommand({ QueueName: 'orders', Attributes: { VisibilityTimeout: '45' } }),
      );
      assert.equal(again.QueueUrl, QueueUrl);
      await rejectsWith(
        sqs.send(new CreateQueueCommand({ QueueName: 'orders', Attributes: { VisibilityTimeout: '46' } })),
        'QueueNameExists',
        /VisibilityTimeout/,
      );
      assert.equal((await sqs.send(new GetQueueUrlCommand({ QueueName: 'orders' }))).QueueUrl, QueueUrl);
      for (const n of ['orders-dlq', 'orders-eu', 'zebra'])
        await sqs.send(new CreateQueueCommand({ QueueName: n }));
      const all = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: 'orders' }));
      assert.deepEqual(
        all.QueueUrls!.map((u) => u.split('/').pop()),
        ['orders', 'orders-dlq', 'orders-eu'],
      );
      assert.equal(all.NextToken, undefined);
      const p1 = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: 'orders', MaxResults: 2 }));
      assert.equal(p1.QueueUrls!.length, 2);
      assert.ok(p1.NextToken);
      const p2 = await sqs.send(
        new ListQueuesCommand({ QueueNamePrefix: 'orders', MaxResults: 2, NextToken: p1.NextToken }),
      );
      assert.deepEqual(
        p2.QueueUrls!.map((u) => u.split('/').pop()),
        ['orders-eu'],
      );
      assert.equal(p2.NextToken, undefined);
      const none = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: 'nothing' }));
      assert.equal(none.QueueUrls, undefined);
    });

    it('rejects bad queue names and FIFO queues with AWS errors', async () => {
      await rejectsWith(
        sqs.send(new CreateQueueCommand({ QueueName: 'has space' })),
        'InvalidParameterValue',
        /alphanumeric/,
      );
      await rejectsWith(
        sqs.send(new CreateQueueCommand({ QueueName: 'x'.repeat(81) })),
        'InvalidParameterValue',
      );
      await rejectsWith(
        sqs.send(new CreateQueueCommand({ QueueName: 'jobs.fifo', Attributes: { FifoQueue: 'true' } })),
        'UnsupportedOperation',
        /FIFO/,
      );
      await rejectsWith(
        sqs.send(new CreateQueueCommand({ QueueName: 'a', Attributes: { VisibilityTimeout: '43201' } })),
        'InvalidAttributeValue',
      );
      await rejectsWith(
        sqs.send(new CreateQueueCommand({ QueueName: 'a', Attributes: { Colour: 'blue' } as never })),
        'InvalidAttributeName',
      );
      assert.equal(
        (await sqs.send(new ListQueuesCommand({ QueueNamePrefix: 'a' }))).QueueUrls,
        undefined,
        'nothing half-created',
      );
    });

    it('reports QueueDoesNotExist with the query-compatible code and header', async () => {
      const err = await rejectsWith(
        sqs.send(new GetQueueUrlCommand({ QueueName: 'missing' })),
        'QueueDoesNotExist',
      );
      assert.ok(err instanceof QueueDoesNotExist);
      assert.equal((err as unknown as { Code: string }).Code, 'AWS.SimpleQueueService.NonExistentQueue');
      assert.equal(err.$metadata.httpStatusCode, 400);
      const raw = await jsonPost(app, 'AmazonSQS.GetQueueUrl', { QueueName: 'missing' });
      assert.equal(raw.status, 400);
      assert.equal(raw.headers.get('x-amzn-query-error'), 'AWS.SimpleQueueService.NonExistentQueue;Sender');
      assert.deepEqual(JSON.parse(raw.text), {
        __type: 'com.amazonaws.sqs#QueueDoesNotExist',
        message: 'The specified queue does not exist.',
      });
      const url = `${app.endpoint}/000000000000/missing`;
      await rejectsWith(
        sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x' })),
        'QueueDoesNotExist',
      );
      await rejectsWith(sqs.send(new ReceiveMessageCommand({ QueueUrl: url })), 'QueueDoesNotExist');
    });

    it('sends with message attributes and computes MD5s as AWS does', async () => {
      const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'md5' }));
      const sent = await sqs.send(
        new SendMessageCommand({
          QueueUrl,
          MessageBody: 'This is a test',
          MessageAttributes: {
            Count: { DataType: 'Number', StringValue: '1' },
            Foo: { DataType: 'String', StringValue: 'Bar' },
          },
        }),
      );
      assert.equal(sent.MD5OfMessageBody, 'ce114e4501d2f4e2dcea3e17b546f339');
      // AWS's digest for exactly these attributes (published ReceiveMessage response of the SQS API).
      assert.equal(sent.MD5OfMessageAttributes, '324758f82d026ac6ec5b31a3b192d1e3');
      assert.match(sent.MessageId!, /^[0-9a-f-]{36}$/);
      const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MessageAttributeNames: ['All'] }));
      const m = got.Messages![0]!;
      assert.equal(m.MessageId, sent.MessageId);
      assert.equal(m.Body, 'This is a test');
      assert.equal(m.MD5OfBody, md5('This is a test'));
      assert.equal(m.MD5OfMessageAttributes, '324758f82d026ac6ec5b31a3b192d1e3');
      assert.deepEqual(m.MessageAttributes, {
        Count: { DataType: 'Number', StringValue: '1' },
        Foo: { DataType: 'String', StringValue: 'Bar' },
      });
      await sqs.send(
        new SendMessageCommand({
          QueueUrl,
          MessageBody: 'bin',
          MessageAttributes: { B: { DataType: 'Binary', BinaryValue: Buffer.from([0, 1, 2, 255]) } },
        }),
      );
      const only = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MessageAttributeNames: ['B'] }));
      assert.deepEqual(
        Buffer.from(only.Messages![0]!.MessageAttributes!.B!.BinaryValue!),
        Buffer.from([0, 1, 2, 255]),
      );
    });

    it('rejects invalid messages', async () => {
      const { QueueUrl } = await sqs.send(
        new CreateQueueCommand({ QueueName: 'strict', Attributes: { MaximumMessageSize: '1024' } }),
      );
      await rejectsWith(sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: '' })), 'MissingParameter');
      await rejectsWith(
        sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'bad\u0001char' })),
        'InvalidMessageContents',
      );
      await rejectsWith(
        sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'x'.repeat(1025) })),
        'InvalidParameterValue',
        /shorter than 1024 bytes/,
      );
      await rejectsWith(
        sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'x', DelaySeconds: 901 })),
        'InvalidParameterValue',
        /DelaySeconds/,
      );
      await rejectsWith(
        sqs.send(
          new SendMessageCommand({
            QueueUrl,
            MessageBody: 'x',
            MessageAttributes: { n: { DataType: 'Number', StringValue: 'abc' } },
          }),
        ),
        'InvalidParameterValue',
        /number/,
      );
      await rejectsWith(
        sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'x', MessageGroupId: 'g' })),
        'InvalidParameterValue',
        /MessageGroupId/,
      );
      assert.deepEqual(await counts(sqs, QueueUrl!), [0, 0]);
    });

    it('receives up to MaxNumberOfMessages, hides them for the visibility timeout and counts receives', async () => {
      const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'work' }));
      const batch = await sqs.send(
        new SendMessageBatchCommand({
          QueueUrl,
          Entries: Array.from({ length: 10 }, (_, i) => ({ Id: `m${i}`, MessageBody: `body-${i}` })),
        }),
      );
      assert.equal(batch.Successful!.length, 10);
      assert.deepEqual(batch.Failed ?? [], []);
      assert.deepEqual(
        batch.Successful!.map((s) => s.MD5OfMessageBody),
        Array.from({ length: 10 }, (_, i) => md5(`body-${i}`)),
      );
      assert.deepEqual(await counts(sqs, QueueUrl!), [10, 0]);
      const first = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 4, MessageSystemAttributeNames: ['All'] }),
      );
      assert.equal(first.Messages!.length, 4);
      assert.deepEqual(await counts(sqs, QueueUrl!), [6, 4]);
      const m = first.Messages![0]!;
      assert.equal(m.Attributes!.ApproximateReceiveCount, '1');
      assert.equal(m.Attributes!.SenderId, 'test');
      assert.ok(Math.abs(Number(m.Attributes!.SentTimestamp) - Date.now()) < 60_000);
      const rest = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
      assert.equal(rest.Messages!.length, 6);
      const seen = new Set([...first.Messages!, ...rest.Messages!].map((x) => x.Body));
      assert.equal(seen.size, 10, 'every message delivered exactly once');
      const empty = await sqs.send(new ReceiveMessageCommand({ QueueUrl }));
      assert.equal(empty.Messages, undefined);
      // Making one visible again: received a second time with a new handle and a higher count.
      await sqs.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl,
          ReceiptHandle: m.ReceiptHandle,
          VisibilityTimeout: 0,
        }),
      );
      const again = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl,
          MessageSystemAttributeNames: ['ApproximateReceiveCount', 'ApproximateFirstReceiveTimestamp'],
        }),
      );
      assert.equal(again.Messages![0]!.MessageId, m.MessageId);
      assert.notEqual(again.Messages![0]!.ReceiptHandle, m.ReceiptHandle);
      assert.equal(again.Messages![0]!.Attributes!.ApproximateReceiveCount, '2');
      assert.equal(
        again.Messages![0]!.Attributes!.ApproximateFirstReceiveTimestamp,
        m.Attributes!.ApproximateFirstReceiveTimestamp,
      );
      // The older handle no longer controls visibility.
      await rejectsWith(
        sqs.send(
          new ChangeMessageVisibilityCommand({
            QueueUrl,
            ReceiptHandle: m.ReceiptHandle,
            VisibilityTimeout: 5,
          }),
        ),
        'InvalidParameterValue',
        /expired/,
      );
      await rejectsWith(
        sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 11 })),
        'InvalidParameterValue',
        /MaxNumberOfMessages/,
      );
      await rejectsWith(
        sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 21 })),
        'InvalidParameterValue',
        /WaitTimeSeconds/,
      );
      await rejectsWith(
        sqs.send(new ReceiveMessageCommand({ QueueUrl, VisibilityTimeout: -1 })),
        'InvalidParameterValue',
        /VisibilityTimeout/,
      );
    });
  });
}
