import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import type { App } from '../../src/app/app.js';
import { awsCli, withServer } from '../harness/helpers.js';

/** The AWS CLI speaks the query protocol to SNS (the only protocol of the SNS model). */
describe('SNS with the AWS CLI', () => {
  let app: App;
  withServer((a) => (app = a));

  it('create-topic, subscribe a queue, publish, and read the notification with sqs receive-message', async () => {
    const topic = (await awsCli(app, ['sns', 'create-topic', '--name', 'failures'])).json as {
      TopicArn: string;
    };
    assert.equal(topic.TopicArn, 'arn:aws:sns:us-east-1:000000000000:failures');
    const queue = (await awsCli(app, ['sqs', 'create-queue', '--queue-name', 'failures-q'])).json as {
      QueueUrl: string;
    };
    const queueArn = 'arn:aws:sqs:us-east-1:000000000000:failures-q';
    const sub = (
      await awsCli(app, [
        'sns',
        'subscribe',
        '--topic-arn',
        topic.TopicArn,
        '--protocol',
        'sqs',
        '--notification-endpoint',
        queueArn,
      ])
    ).json as { SubscriptionArn: string };
    assert.match(sub.SubscriptionArn, /^arn:aws:sns:us-east-1:000000000000:failures:[0-9a-f-]{36}$/);
    const listed = (await awsCli(app, ['sns', 'list-subscriptions-by-topic', '--topic-arn', topic.TopicArn]))
      .json as {
      Subscriptions: Array<{ Endpoint: string; Protocol: string }>;
    };
    assert.deepEqual(
      listed.Subscriptions.map((s) => [s.Protocol, s.Endpoint]),
      [['sqs', queueArn]],
    );
    const pub = (
      await awsCli(app, [
        'sns',
        'publish',
        '--topic-arn',
        topic.TopicArn,
        '--subject',
        'Batch failed',
        '--message',
        '{"KinesisBatchInfo":{"batchSize":3}}',
        '--message-attributes',
        '{"source":{"DataType":"String","StringValue":"mapping"}}',
      ])
    ).json as { MessageId: string };
    const got = (await awsCli(app, ['sqs', 'receive-message', '--queue-url', queue.QueueUrl])).json as {
      Messages: Array<{ Body: string }>;
    };
    const n = JSON.parse(got.Messages[0]!.Body) as Record<string, unknown>;
    assert.equal(n.Type, 'Notification');
    assert.equal(n.MessageId, pub.MessageId);
    assert.equal(n.Subject, 'Batch failed');
    assert.equal(n.Message, '{"KinesisBatchInfo":{"batchSize":3}}');
    assert.deepEqual(n.MessageAttributes, { source: { Type: 'String', Value: 'mapping' } });
  });

  it('reports a missing topic as NotFound', async () => {
    await assert.rejects(
      awsCli(app, [
        'sns',
        'publish',
        '--topic-arn',
        'arn:aws:sns:us-east-1:000000000000:nope',
        '--message',
        'x',
      ]),
      (e: { stderr: string }) => {
        assert.match(e.stderr, /\(NotFound\).*Topic does not exist/);
        return true;
      },
    );
  });
});
