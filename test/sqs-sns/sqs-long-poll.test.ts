import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import {
  CreateQueueCommand,
  DeleteQueueCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { App } from '../../src/app/app.js';
import { startTestServer, waitFor, withTestServer } from '../harness/helpers.js';
import { sqsClient } from './sqs-sns-helpers.js';
import { hooks } from '../harness/hooks.js';

describe('SQS long polling and visibility timeouts', () => {
  let app: App;
  let sqs: SQSClient;
  withTestServer(
    {},
    (a) => ({ sqs: sqsClient(a, 'h1') }),
    (a, c) => {
      app = a;
      ({ sqs } = c);
    },
  );

  const waitersOf = (name: string): number => hooks(app).sqs.queues.byName(name)?.waiters.size ?? -1;

  it('wakes a waiting ReceiveMessage as soon as a message is sent, long before its WaitTimeSeconds', async () => {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'wake' }));
    const started = Date.now();
    const poll = sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 20 }));
    await waitFor(() => waitersOf('wake') === 1, 5000, 'the receive to be waiting');
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'ping' }));
    const got = await poll;
    // The message in the answer is the proof: a poll that is not woken answers empty at its deadline.
    assert.equal(got.Messages?.[0]?.Body, 'ping');
    // Woken means "long before the 20 s wait", not a latency: 10 s leaves any loaded machine its room.
    assert.ok(Date.now() - started < 10_000, 'did not wait for the full WaitTimeSeconds');
    assert.equal(waitersOf('wake'), 0);
  });

  it('waits WaitTimeSeconds on an empty queue, then answers with no messages', async () => {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'idle' }));
    const t0 = Date.now();
    const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 1 }));
    const took = Date.now() - t0;
    assert.equal(got.Messages, undefined);
    // The wait was honoured (time only moves forward, so a lower bound is safe on any machine); the upper
    // bound only says the poll ended at its deadline rather than hanging, so it is generous.
    assert.ok(took >= 950 && took < 10_000, `took ${took} ms`);
  });

  it('uses the queue ReceiveMessageWaitTimeSeconds when the request sets none', async () => {
    const { QueueUrl } = await sqs.send(
      new CreateQueueCommand({
        QueueName: 'default-wait',
        Attributes: { ReceiveMessageWaitTimeSeconds: '20' },
      }),
    );
    const poll = sqs.send(new ReceiveMessageCommand({ QueueUrl }));
    await waitFor(() => waitersOf('default-wait') === 1, 5000, 'the receive to be waiting');
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'x' }));
    assert.equal((await poll).Messages?.[0]?.Body, 'x');
  });

  it('stops waiting when the client aborts the request', async () => {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'abort' }));
    const ac = new AbortController();
    const poll = sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 20 }), {
      abortSignal: ac.signal,
    });
    await waitFor(() => waitersOf('abort') === 1, 5000, 'the receive to be waiting');
    ac.abort();
    await assert.rejects(poll);
    // The server notices the closed request and drops the waiter long before the 20 s are up.
    await waitFor(() => waitersOf('abort') === 0, 10_000, 'the server to drop the waiter');
    // A message sent now is not lost to the departed receiver.
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'kept' }));
    const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl }));
    assert.equal(got.Messages?.[0]?.Body, 'kept');
  });

  it('gives concurrent waiters distinct messages', async () => {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'fan' }));
    const polls = [1, 2, 3].map(() => sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 10 })));
    await waitFor(() => waitersOf('fan') === 3, 5000, 'three waiting receives');
    for (const b of ['a', 'b', 'c']) await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: b }));
    const bodies = (await Promise.all(polls)).flatMap((r) => (r.Messages ?? []).map((m) => m.Body));
    assert.deepEqual(bodies.sort(), ['a', 'b', 'c']);
  });

  it('makes a message receivable again when its visibility timeout expires, waking a long poll', async () => {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'expire' }));
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'again' }));
    const first = await sqs.send(new ReceiveMessageCommand({ QueueUrl, VisibilityTimeout: 1 }));
    const receivedAt = Date.now();
    assert.equal(first.Messages![0]!.Body, 'again');
    assert.equal(
      (await sqs.send(new ReceiveMessageCommand({ QueueUrl }))).Messages,
      undefined,
      'hidden while in flight',
    );
    // Answered with the message (not empty at the 20 s deadline) means the expiry woke this poll.
    const second = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl,
        WaitTimeSeconds: 20,
        MessageSystemAttributeNames: ['ApproximateReceiveCount'],
      }),
    );
    const hiddenFor = Date.now() - receivedAt;
    assert.equal(second.Messages![0]!.MessageId, first.Messages![0]!.MessageId);
    assert.equal(second.Messages![0]!.Attributes!.ApproximateReceiveCount, '2');
    // The timeout was honoured: a lower bound, which no machine's speed can break.
    assert.ok(hiddenFor >= 900, `visible again after ${hiddenFor} ms`);
  });

  it('delivers a delayed message once DelaySeconds have passed', async () => {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'delay' }));
    const t0 = Date.now();
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'late', DelaySeconds: 1 }));
    assert.equal((await sqs.send(new ReceiveMessageCommand({ QueueUrl }))).Messages, undefined);
    const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 5 }));
    assert.equal(got.Messages?.[0]?.Body, 'late');
    assert.ok(Date.now() - t0 >= 950);
  });

  it('releases waiting receives when their queue is deleted', async () => {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'doomed' }));
    const t0 = Date.now();
    const poll = sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 20 }));
    await waitFor(() => waitersOf('doomed') === 1, 5000, 'the receive to be waiting');
    await sqs.send(new DeleteQueueCommand({ QueueUrl }));
    const got = await poll;
    assert.equal(got.Messages, undefined);
    // Released by the delete, long before the 20 s wait (10 s leaves a loaded machine its room).
    assert.ok(Date.now() - t0 < 10_000);
  });
});

describe('SQS long polls and server shutdown', () => {
  it('closes the server promptly while a receive is waiting', async () => {
    const app = await startTestServer();
    const sqs = sqsClient(app, 'h1');
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'shutdown' }));
    const poll = sqs
      .send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 20 }))
      .catch((e: unknown) => e);
    await waitFor(
      () => hooks(app).sqs.queues.byName('shutdown')?.waiters.size === 1,
      5000,
      'the receive to be waiting',
    );
    const t0 = Date.now();
    await app.close();
    // Promptly means "without waiting out the 20 s receive"; 10 s leaves a loaded machine its room.
    assert.ok(Date.now() - t0 < 10_000, `close took ${Date.now() - t0} ms`);
    await poll;
    sqs.destroy();
  });
});
