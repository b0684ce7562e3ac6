import { strict as assert } from 'node:assert';
import { once } from 'node:events';
import { after, before, describe, it } from 'node:test';

import { CreateTopicCommand, PublishCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import type { FunctionInfo, FunctionInvoker, InvokeResult } from '../../src/lambda/invoker.js';
import type { AppContext } from '../../src/server/context.js';

import { createSns, type Sns } from '../../src/sns/sns.js';
import { createSqs } from '../../src/sqs/sqs.js';
import { testAppContext } from '../harness/app-context.js';
import { testServer } from '../harness/helpers.js';
import { createNodeFunction, lambdaClient } from '../lambda/lambda-helpers.js';
import { snsClient } from './sqs-sns-helpers.js';
import { hooks } from '../harness/hooks.js';

/**
 * SNS -> Lambda deliveries through the FunctionInvoker contract (src/lambda/invoker.ts) that the
 * Lambda component implements: SNS takes the invoker as a dependency, so a recording implementation
 * of that contract shows exactly what a function is invoked with.
 */
class RecordingInvoker implements FunctionInvoker {
  readonly calls: Array<{ fn: string; event: unknown }> = [];
  fail: Error | undefined;
  async invoke(): Promise<InvokeResult> {
    throw new Error('SNS must invoke asynchronously');
  }
  async invokeAsync(fn: string, payload: Buffer): Promise<void> {
    if (this.fail) throw this.fail;
    this.calls.push({ fn, event: JSON.parse(payload.toString('utf8')) });
  }
  lookup(): FunctionInfo | undefined {
    return undefined;
  }
}

describe('SNS lambda subscriptions', () => {
  const fnArn = 'arn:aws:lambda:us-east-1:000000000000:function:on-failure';
  let ctx: AppContext;
  let sns: Sns;
  const invoker = new RecordingInvoker();
  let topicArn: string;
  let subscriptionArn: string;
  before(async () => {
    ctx = testAppContext();
    sns = createSns(ctx, { sqs: createSqs(ctx), invoker });
    const topic = await sns.topics.createTopic('to-lambda', {}, {});
    topicArn = topic.arn;
    subscriptionArn = (await sns.topics.subscribe(topic, 'lambda', fnArn, {})).arn;
  });
  after(async () => {
    await sns.close();
    await ctx.store.close();
  });

  it('invokes the function asynchronously with the aws:sns event shape', async () => {
    invoker.calls.length = 0;
    await sns.publish(topicArn, 'hello function', {
      subject: 'Hi',
      messageAttributes: { k: { DataType: 'String', StringValue: 'v' } },
    });
    assert.equal(invoker.calls.length, 1);
    const { fn, event } = invoker.calls[0]!;
    assert.equal(fn, fnArn);
    const records = (event as { Records: Array<Record<string, unknown>> }).Records;
    assert.equal(records.length, 1);
    const r = records[0]!;
    assert.equal(r.EventSource, 'aws:sns');
    assert.equal(r.EventVersion, '1.0');
    assert.equal(r.EventSubscriptionArn, subscriptionArn);
    const s = r.Sns as Record<string, unknown>;
    assert.deepEqual(Object.keys(s).sort(), [
      'Message',
      'MessageAttributes',
      'MessageId',
      'Signature',
      'SignatureVersion',
      'SigningCertUrl',
      'Subject',
      'Timestamp',
      'TopicArn',
      'Type',
      'UnsubscribeUrl',
    ]);
    assert.equal(s.Type, 'Notification');
    assert.equal(s.TopicArn, topicArn);
    assert.equal(s.Subject, 'Hi');
    assert.equal(s.Message, 'hello function');
    assert.match(s.MessageId as string, /^[0-9a-f-]{36}$/);
    assert.deepEqual(s.MessageAttributes, { k: { Type: 'String', Value: 'v' } });
    assert.equal(
      s.UnsubscribeUrl,
      `http://127.0.0.1:4600/?Action=Unsubscribe&SubscriptionArn=${subscriptionArn}`,
    );
  });

  it('sends Subject null and empty MessageAttributes when the message has none', async () => {
    invoker.calls.length = 0;
    await sns.publish(topicArn, 'bare');
    const s = (invoker.calls[0]!.event as { Records: Array<{ Sns: Record<string, unknown> }> }).Records[0]!
      .Sns;
    assert.equal(s.Subject, null);
    assert.deepEqual(s.MessageAttributes, {});
  });

  it('reports a failed delivery without failing Publish (no Lambda, or the invoke is refused)', async () => {
    // SNS built without Lambda.
    const alone = createSns(ctx, { sqs: createSqs(ctx) });
    const topic = await alone.topics.createTopic('to-lambda-alone', {}, {});
    const aloneSubscription = (await alone.topics.subscribe(topic, 'lambda', fnArn, {})).arn;
    const failed = once(alone.topics, 'delivery-failed');
    await alone.publish(topic.arn, 'nobody home');
    const [e] = (await failed) as [{ subscriptionArn: string; protocol: string; error: string }];
    assert.equal(e.subscriptionArn, aloneSubscription);
    assert.equal(e.protocol, 'lambda');
    assert.match(e.error, /Lambda is not available/);
    await alone.close();
    invoker.fail = new Error('Function not found');
    const again = once(sns.topics, 'delivery-failed');
    await sns.publish(topicArn, 'refused');
    assert.match(((await again) as [{ error: string }])[0].error, /Function not found/);
    invoker.fail = undefined;
  });

  it('rejects publishing to a missing topic through the internal API', async () => {
    await assert.rejects(sns.publish(`${topicArn}-gone`, 'x'), { name: 'NotFound' });
    assert.equal(sns.exists(topicArn), true);
    assert.equal(sns.exists(`${topicArn}-gone`), false);
  });
});

describe('SNS -> Lambda on the running server', () => {
  it('invokes a real function with the aws:sns event when a message is published', async () => {
    await using server = await testServer({}, (a) => ({ lambda: lambdaClient(a), sns: snsClient(a) }));
    const { app, lambda, sns } = server;
    await createNodeFunction(
      lambda,
      'sns-consumer',
      `export const handler = async (event) => { console.log('EVENT ' + JSON.stringify(event)); return 'ok'; };`,
    );
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'to-function' }));
    const fnArn = 'arn:aws:lambda:us-east-1:000000000000:function:sns-consumer';
    const { SubscriptionArn } = await sns.send(
      new SubscribeCommand({ TopicArn, Protocol: 'lambda', Endpoint: fnArn }),
    );
    const logged = new Promise<string>((resolve) => {
      const onLog = (e: { functionName: string; line: string }): void => {
        const at = e.line.indexOf('EVENT ');
        if (e.functionName === 'sns-consumer' && at !== -1) {
          hooks(app).lambdaEvents.off('log', onLog);
          resolve(e.line.slice(at + 'EVENT '.length));
        }
      };
      hooks(app).lambdaEvents.on('log', onLog);
    });
    const { MessageId } = await sns.send(
      new PublishCommand({
        TopicArn,
        Message: 'to the function',
        Subject: 'S',
        MessageAttributes: { a: { DataType: 'String', StringValue: 'b' } },
      }),
    );
    const event = JSON.parse(await logged) as {
      Records: Array<{ EventSource: string; EventSubscriptionArn: string; Sns: Record<string, unknown> }>;
    };
    assert.equal(event.Records.length, 1);
    const r = event.Records[0]!;
    assert.equal(r.EventSource, 'aws:sns');
    assert.equal(r.EventSubscriptionArn, SubscriptionArn);
    assert.equal(r.Sns.MessageId, MessageId);
    assert.equal(r.Sns.Message, 'to the function');
    assert.equal(r.Sns.Subject, 'S');
    assert.deepEqual(r.Sns.MessageAttributes, { a: { Type: 'String', Value: 'b' } });
  });
});
