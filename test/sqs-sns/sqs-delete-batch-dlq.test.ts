import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import {
  ChangeMessageVisibilityBatchCommand,
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteMessageCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListDeadLetterSourceQueuesCommand,
  ListQueueTagsCommand,
  PurgeQueueCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SetQueueAttributesCommand,
  TagQueueCommand,
  UntagQueueCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { App } from '../../src/app/app.js';
import { rejectsWith } from '../harness/helpers.js';
import { queueArnOf, sdkHandlers, counts, withSqsServer } from './sqs-sns-helpers.js';
import { hooks } from '../harness/hooks.js';

// Deleting, batch failures per entry, queue attributes and tags, purging, the dead-letter queue (split from
// sqs-api.test.ts, which keeps creating queues, sending and receiving).

for (const handler of sdkHandlers) {
  describe(`SQS deletes, batches, attributes and redrive over AWS JSON 1.0 (@aws-sdk/client-sqs, ${handler} handler)`, () => {
    let app: App;
    let sqs: SQSClient;
    withSqsServer(handler, (a, c) => {
      app = a;
      sqs = c;
    });

    it('deletes messages singly and in batches, reporting bad handles per entry', async () => {
      const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'del' }));
      await sqs.send(
        new SendMessageBatchCommand({
          QueueUrl,
          Entries: [1, 2, 3].map((i) => ({ Id: `e${i}`, MessageBody: `d${i}` })),
        }),
      );
      const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 3 }));
      const [a, b, c] = got.Messages!;
      await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: a!.ReceiptHandle }));
      // Deleting an already deleted message succeeds, as on AWS.
      await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: a!.ReceiptHandle }));
      const err = await rejectsWith(
        sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: 'not-a-handle' })),
        'ReceiptHandleIsInvalid',
      );
      assert.equal(err.$metadata.httpStatusCode, 404);
      const r = await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl,
          Entries: [
            { Id: 'b', ReceiptHandle: b!.ReceiptHandle },
            { Id: 'bad', ReceiptHandle: 'garbage' },
            { Id: 'c', ReceiptHandle: c!.ReceiptHandle },
          ],
        }),
      );
      assert.deepEqual(
        r.Successful!.map((s) => s.Id),
        ['b', 'c'],
      );
      assert.equal(r.Failed!.length, 1);
      assert.equal(r.Failed![0]!.Id, 'bad');
      assert.equal(r.Failed![0]!.Code, 'ReceiptHandleIsInvalid');
      assert.equal(r.Failed![0]!.SenderFault, true);
      assert.deepEqual(await counts(sqs, QueueUrl!), [0, 0]);
      await rejectsWith(
        sqs.send(new DeleteMessageBatchCommand({ QueueUrl, Entries: [] })),
        'EmptyBatchRequest',
      );
      await rejectsWith(
        sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl,
            Entries: [
              { Id: 'x', ReceiptHandle: 'h' },
              { Id: 'x', ReceiptHandle: 'h' },
            ],
          }),
        ),
        'BatchEntryIdsNotDistinct',
      );
      await rejectsWith(
        sqs.send(
          new SendMessageBatchCommand({
            QueueUrl,
            Entries: Array.from({ length: 11 }, (_, i) => ({ Id: `i${i}`, MessageBody: 'x' })),
          }),
        ),
        'TooManyEntriesInBatchRequest',
      );
      await rejectsWith(
        sqs.send(new SendMessageBatchCommand({ QueueUrl, Entries: [{ Id: 'bad id!', MessageBody: 'x' }] })),
        'InvalidBatchEntryId',
      );
    });

    it('reports per-entry failures of SendMessageBatch and ChangeMessageVisibilityBatch', async () => {
      const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'partial' }));
      const r = await sqs.send(
        new SendMessageBatchCommand({
          QueueUrl,
          Entries: [
            { Id: 'ok', MessageBody: 'fine' },
            { Id: 'bad', MessageBody: 'fine', DelaySeconds: 1000 },
          ],
        }),
      );
      assert.deepEqual(
        r.Successful!.map((s) => s.Id),
        ['ok'],
      );
      assert.equal(r.Failed![0]!.Id, 'bad');
      assert.equal(r.Failed![0]!.Code, 'InvalidParameterValue');
      const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl }));
      const cv = await sqs.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl,
          Entries: [
            { Id: 'one', ReceiptHandle: got.Messages![0]!.ReceiptHandle, VisibilityTimeout: 0 },
            { Id: 'two', ReceiptHandle: 'garbage', VisibilityTimeout: 0 },
          ],
        }),
      );
      assert.deepEqual(
        cv.Successful!.map((s) => s.Id),
        ['one'],
      );
      assert.equal(cv.Failed![0]!.Code, 'ReceiptHandleIsInvalid');
      assert.deepEqual(await counts(sqs, QueueUrl!), [1, 0]);
    });

    it('gets and sets queue attributes, tags, and purges and deletes queues', async () => {
      const { QueueUrl } = await sqs.send(
        new CreateQueueCommand({ QueueName: 'attrs', tags: { team: 'a' } }),
      );
      const before = Math.floor(Date.now() / 1000);
      await sqs.send(
        new SetQueueAttributesCommand({
          QueueUrl,
          Attributes: { VisibilityTimeout: '120', DelaySeconds: '2' },
        }),
      );
      const all = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['All'] })))
        .Attributes!;
      assert.equal(all.QueueArn, 'arn:aws:sqs:us-east-1:000000000000:attrs');
      assert.equal(all.VisibilityTimeout, '120');
      assert.equal(all.DelaySeconds, '2');
      assert.equal(all.MessageRetentionPeriod, '345600');
      assert.equal(all.ReceiveMessageWaitTimeSeconds, '0');
      assert.equal(all.ApproximateNumberOfMessages, '0');
      assert.ok(Math.abs(Number(all.CreatedTimestamp) - before) <= 5);
      assert.ok(Number(all.LastModifiedTimestamp) >= Number(all.CreatedTimestamp));
      const none = await sqs.send(new GetQueueAttributesCommand({ QueueUrl }));
      assert.equal(none.Attributes, undefined);
      await rejectsWith(
        sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['Bogus' as never] })),
        'InvalidAttributeName',
      );
      // Queue-level DelaySeconds: the message is counted as delayed, not visible.
      await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'later' }));
      const d = (
        await sqs.send(
          new GetQueueAttributesCommand({
            QueueUrl,
            AttributeNames: ['ApproximateNumberOfMessagesDelayed', 'ApproximateNumberOfMessages'],
          }),
        )
      ).Attributes!;
      assert.deepEqual(d, { ApproximateNumberOfMessagesDelayed: '1', ApproximateNumberOfMessages: '0' });
      await sqs.send(new TagQueueCommand({ QueueUrl, Tags: { env: 'test' } }));
      await sqs.send(new UntagQueueCommand({ QueueUrl, TagKeys: ['team'] }));
      assert.deepEqual((await sqs.send(new ListQueueTagsCommand({ QueueUrl }))).Tags, { env: 'test' });
      await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'now', DelaySeconds: 0 }));
      await sqs.send(new PurgeQueueCommand({ QueueUrl }));
      const after = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['All'] })))
        .Attributes!;
      assert.equal(after.ApproximateNumberOfMessages, '0');
      assert.equal(after.ApproximateNumberOfMessagesDelayed, '0');
      await sqs.send(new DeleteQueueCommand({ QueueUrl }));
      await rejectsWith(sqs.send(new GetQueueUrlCommand({ QueueName: 'attrs' })), 'QueueDoesNotExist');
      await rejectsWith(sqs.send(new DeleteQueueCommand({ QueueUrl })), 'QueueDoesNotExist');
      // A re-created queue starts empty.
      const re = await sqs.send(new CreateQueueCommand({ QueueName: 'attrs' }));
      assert.deepEqual(await counts(sqs, re.QueueUrl!), [0, 0]);
    });

    it('a message received with VisibilityTimeout 0 can be received again at once', async () => {
      const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `vt0-${handler}` }));
      await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'again' }));
      const q = hooks(app).sqs.queues.byName(`vt0-${handler}`)!;
      // Two receives in one turn of the event loop: no timer can run between them.
      const first = q.take(1, 0);
      const second = q.take(1, 0);
      assert.deepEqual([first.length, second.length, second[0]?.message.recv?.receiveCount], [1, 1, 2]);
    });

    it('moves messages received too often to the dead-letter queue (RedrivePolicy)', async () => {
      const dlq = await sqs.send(new CreateQueueCommand({ QueueName: 'redrive-dlq' }));
      const dlqArn = await queueArnOf(sqs, dlq.QueueUrl!);
      const src = await sqs.send(
        new CreateQueueCommand({
          QueueName: 'redrive-src',
          Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 2 }) },
        }),
      );
      const QueueUrl = src.QueueUrl!;
      await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'poison' }));
      for (let i = 0; i < 2; i++) {
        const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl, VisibilityTimeout: 0 }));
        assert.equal(r.Messages![0]!.Body, 'poison');
      }
      const third = await sqs.send(new ReceiveMessageCommand({ QueueUrl }));
      assert.equal(third.Messages, undefined, 'moved instead of delivered a third time');
      const moved = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: dlq.QueueUrl,
          WaitTimeSeconds: 5,
          MessageSystemAttributeNames: ['All'],
        }),
      );
      assert.equal(moved.Messages![0]!.Body, 'poison');
      assert.equal(
        moved.Messages![0]!.Attributes!.DeadLetterQueueSourceArn,
        'arn:aws:sqs:us-east-1:000000000000:redrive-src',
      );
      assert.equal(moved.Messages![0]!.Attributes!.ApproximateReceiveCount, '3');
      const sources = await sqs.send(new ListDeadLetterSourceQueuesCommand({ QueueUrl: dlq.QueueUrl }));
      assert.deepEqual(sources.queueUrls, [QueueUrl]);
    });
  });
}
