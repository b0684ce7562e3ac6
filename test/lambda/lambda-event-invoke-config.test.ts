import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import {
  CreateAliasCommand,
  DeleteFunctionCommand,
  DeleteFunctionConcurrencyCommand,
  DeleteFunctionEventInvokeConfigCommand,
  GetFunctionEventInvokeConfigCommand,
  InvokeAsyncCommand,
  InvokeCommand,
  ListFunctionEventInvokeConfigsCommand,
  PublishVersionCommand,
  PutFunctionConcurrencyCommand,
  PutFunctionEventInvokeConfigCommand,
  UpdateAliasCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionEventInvokeConfigCommand,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import { CreateQueueCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { CreateTopicCommand, PublishCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import type { App } from '../../src/app/app.js';
import { withTestServer } from '../harness/helpers.js';
import { Gate } from '../harness/gate.js';
import { VirtualClock } from '../harness/virtual-clock.js';
import { queueArnOf, snsClient, sqsClient } from '../sqs-sns/sqs-sns-helpers.js';
import { createNodeFunction, failure, lambdaClient, makeZip } from './lambda-helpers.js';

const ARN = 'arn:aws:lambda:us-east-1:000000000000:function';

/** Waits (long polls, 30 s at most: a record that never comes fails the test) for one message on the queue and returns its body as JSON. */
async function nextRecord(sqs: SQSClient, url: string): Promise<Record<string, unknown>> {
  for (let poll = 0; poll < 6; poll++) {
    const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 5 }));
    const m = out.Messages?.[0];
    if (m) return JSON.parse(m.Body!) as Record<string, unknown>;
  }
  throw new Error(`no invocation record on ${url} within 30 s`);
}

describe('Event invoke configs and async destinations', () => {
  const gate = Gate.forSuite();
  // Event age is measured on it: MaximumEventAgeInSeconds is 60 s at least.
  const clock = new VirtualClock();
  let app: App;
  let c: LambdaClient;
  let sqs: SQSClient;
  withTestServer(
    { lambda: { asyncRetryDelaysMs: [10, 10] }, testHooks: { lambdaAsyncClock: clock } },
    (a) => ({ c: lambdaClient(a, 'h2'), sqs: sqsClient(a) }),
    (a, made) => {
      app = a;
      ({ c, sqs } = made);
    },
  );

  it('Put/Get/Update/List/Delete, per qualifier, with AWS errors', async () => {
    await createNodeFunction(c, 'cfg', 'export const handler = async () => 1;');
    const missing = await failure(c.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: 'cfg' })));
    assert.deepEqual(missing, {
      name: 'ResourceNotFoundException',
      status: 404,
      message: `The function ${ARN}:cfg:$LATEST doesn't have an EventInvokeConfig`,
    });
    const put = await c.send(
      new PutFunctionEventInvokeConfigCommand({ FunctionName: 'cfg', MaximumRetryAttempts: 1 }),
    );
    assert.equal(put.FunctionArn, `${ARN}:cfg:$LATEST`);
    assert.equal(put.MaximumRetryAttempts, 1);
    const updated = await c.send(
      new UpdateFunctionEventInvokeConfigCommand({ FunctionName: 'cfg', MaximumEventAgeInSeconds: 120 }),
    );
    assert.equal(updated.MaximumRetryAttempts, 1);
    assert.equal(updated.MaximumEventAgeInSeconds, 120);
    // Put replaces: what it leaves out goes back to the default.
    const replaced = await c.send(
      new PutFunctionEventInvokeConfigCommand({ FunctionName: 'cfg', MaximumEventAgeInSeconds: 60 }),
    );
    assert.equal(replaced.MaximumRetryAttempts, undefined);

    await c.send(new PublishVersionCommand({ FunctionName: 'cfg' }));
    await c.send(new CreateAliasCommand({ FunctionName: 'cfg', Name: 'live', FunctionVersion: '1' }));
    const onAlias = await c.send(
      new PutFunctionEventInvokeConfigCommand({
        FunctionName: 'cfg',
        Qualifier: 'live',
        MaximumRetryAttempts: 0,
      }),
    );
    assert.equal(onAlias.FunctionArn, `${ARN}:cfg:live`);
    const listed = await c.send(new ListFunctionEventInvokeConfigsCommand({ FunctionName: 'cfg' }));
    assert.deepEqual(
      listed.FunctionEventInvokeConfigs?.map((e) => e.FunctionArn),
      [`${ARN}:cfg:$LATEST`, `${ARN}:cfg:live`],
    );
    const badRetries = await failure(
      c.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: 'cfg', MaximumRetryAttempts: 3 })),
    );
    assert.equal(badRetries.name, 'ValidationException');
    const noQueue = await failure(
      c.send(
        new PutFunctionEventInvokeConfigCommand({
          FunctionName: 'cfg',
          DestinationConfig: { OnFailure: { Destination: 'arn:aws:sqs:us-east-1:000000000000:absent' } },
        }),
      ),
    );
    assert.deepEqual(noQueue, {
      name: 'InvalidParameterValueException',
      status: 400,
      message: 'The destination arn:aws:sqs:us-east-1:000000000000:absent does not exist.',
    });
    await c.send(new DeleteFunctionEventInvokeConfigCommand({ FunctionName: 'cfg', Qualifier: 'live' }));
    assert.equal(
      (await failure(c.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: 'cfg:live' })))).name,
      'ResourceNotFoundException',
    );
    // Deleting the function deletes its configs.
    await c.send(new DeleteFunctionCommand({ FunctionName: 'cfg' }));
    await createNodeFunction(c, 'cfg', 'export const handler = async () => 1;');
    assert.equal(
      (await failure(c.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: 'cfg' })))).name,
      'ResourceNotFoundException',
    );
  });

  it('Event invocations send their record to the on-success or on-failure destination, after MaximumRetryAttempts', async () => {
    const okQ = (await sqs.send(new CreateQueueCommand({ QueueName: 'on-success' }))).QueueUrl!;
    const failQ = (await sqs.send(new CreateQueueCommand({ QueueName: 'on-failure' }))).QueueUrl!;
    await createNodeFunction(
      c,
      'dest',
      `export const handler = async (e) => { if (e.fail) throw new Error('asked to fail'); return { got: e }; };`,
    );
    await c.send(
      new PutFunctionEventInvokeConfigCommand({
        FunctionName: 'dest',
        MaximumRetryAttempts: 1,
        DestinationConfig: {
          OnSuccess: { Destination: await queueArnOf(sqs, okQ) },
          OnFailure: { Destination: await queueArnOf(sqs, failQ) },
        },
      }),
    );
    const ok = await c.send(
      new InvokeCommand({ FunctionName: 'dest', InvocationType: 'Event', Payload: Buffer.from('{"n":1}') }),
    );
    const success = await nextRecord(sqs, okQ);
    assert.deepEqual(success['requestContext'], {
      requestId: ok.$metadata.requestId,
      functionArn: `${ARN}:dest:$LATEST`,
      condition: 'Success',
      approximateInvokeCount: 1,
    });
    assert.deepEqual(success['requestPayload'], { n: 1 });
    assert.deepEqual(success['responseContext'], { statusCode: 200, executedVersion: '$LATEST' });
    assert.deepEqual(success['responsePayload'], { got: { n: 1 } });
    // The deprecated InvokeAsync is an Event invoke too (202, Status 202), with the same destinations.
    const old = await c.send(
      new InvokeAsyncCommand({ FunctionName: 'dest', InvokeArgs: Buffer.from('{"n":2}') }),
    );
    assert.equal(old.Status, 202);
    const viaOld = await nextRecord(sqs, okQ);
    assert.deepEqual(viaOld['responsePayload'], { got: { n: 2 } });

    const bad = await c.send(
      new InvokeCommand({
        FunctionName: 'dest',
        InvocationType: 'Event',
        Payload: Buffer.from('{"fail":true}'),
      }),
    );
    const failed = await nextRecord(sqs, failQ);
    assert.deepEqual(failed['requestContext'], {
      requestId: bad.$metadata.requestId,
      functionArn: `${ARN}:dest:$LATEST`,
      condition: 'RetriesExhausted',
      approximateInvokeCount: 2,
    });
    assert.deepEqual(failed['responseContext'], {
      statusCode: 200,
      executedVersion: '$LATEST',
      functionError: 'Unhandled',
    });
    assert.equal((failed['responsePayload'] as { errorMessage: string }).errorMessage, 'asked to fail');
  });

  it("an async invoke of an alias or version uses that qualifier's config and destinations, and retries run the same version", async () => {
    const queue = async (name: string): Promise<{ url: string; arn: string }> => {
      const url = (await sqs.send(new CreateQueueCommand({ QueueName: name }))).QueueUrl!;
      return { url, arn: await queueArnOf(sqs, url) };
    };
    const [aliasQ, latestQ, versionQ] = [
      await queue('q-alias'),
      await queue('q-latest'),
      await queue('q-v2'),
    ];
    // Each try waits at the gate under its version's number; a try the test releases (rather than opens) fails.
    const code = (label: string): string => `export const handler = async (e) => {
  const v = process.env.AWS_LAMBDA_FUNCTION_VERSION;
  const g = await (await fetch(process.env.GATE + '/' + v)).text();
  if (g === 'released') throw new Error('first try fails on ' + v);
  return { code: ${JSON.stringify(label)}, v };
};`;
    await createNodeFunction(c, 'aq', code('one'), { Environment: { Variables: { GATE: gate.url } } });
    await c.send(new PublishVersionCommand({ FunctionName: 'aq' }));
    await c.send(
      new UpdateFunctionCodeCommand({
        FunctionName: 'aq',
        ZipFile: await makeZip({ 'index.mjs': code('two') }),
      }),
    );
    await c.send(new PublishVersionCommand({ FunctionName: 'aq' }));
    await c.send(new CreateAliasCommand({ FunctionName: 'aq', Name: 'live', FunctionVersion: '1' }));
    const put = (Qualifier: string | undefined, arn: string) =>
      c.send(
        new PutFunctionEventInvokeConfigCommand({
          FunctionName: 'aq',
          Qualifier,
          MaximumRetryAttempts: 1,
          DestinationConfig: { OnSuccess: { Destination: arn }, OnFailure: { Destination: arn } },
        }),
      );
    await put('live', aliasQ.arn);
    await put(undefined, latestQ.arn);
    await put('2', versionQ.arn);

    // Through the alias (at version 1): the alias moves to 2 while the first try runs; the retry still runs 1.
    const viaAlias = await c.send(
      new InvokeCommand({
        FunctionName: 'aq:live',
        InvocationType: 'Event',
        Payload: Buffer.from('{"a":1}'),
      }),
    );
    await gate.reached(1);
    assert.equal(gate.arrived[0], '1');
    await c.send(new UpdateAliasCommand({ FunctionName: 'aq', Name: 'live', FunctionVersion: '2' }));
    gate.release('1');
    await gate.reached(2);
    assert.equal(gate.arrived[1], '1');
    gate.open();
    const rec = await nextRecord(sqs, aliasQ.url);
    assert.deepEqual(rec['requestContext'], {
      requestId: viaAlias.$metadata.requestId,
      functionArn: `${ARN}:aq:live`,
      condition: 'Success',
      approximateInvokeCount: 2,
    });
    assert.deepEqual(rec['responseContext'], { statusCode: 200, executedVersion: '1' });
    assert.deepEqual(rec['responsePayload'], { code: 'one', v: '1' });

    // A version number and the unqualified name each use their own config.
    const viaVersion = await c.send(
      new InvokeCommand({
        FunctionName: 'aq',
        Qualifier: '2',
        InvocationType: 'Event',
        Payload: Buffer.from('{}'),
      }),
    );
    const v2 = await nextRecord(sqs, versionQ.url);
    assert.equal((v2['requestContext'] as { requestId: string }).requestId, viaVersion.$metadata.requestId);
    assert.equal((v2['requestContext'] as { functionArn: string }).functionArn, `${ARN}:aq:2`);
    assert.deepEqual(v2['responsePayload'], { code: 'two', v: '2' });
    const plain = await c.send(
      new InvokeCommand({ FunctionName: 'aq', InvocationType: 'Event', Payload: Buffer.from('{}') }),
    );
    const latest = await nextRecord(sqs, latestQ.url);
    assert.equal((latest['requestContext'] as { requestId: string }).requestId, plain.$metadata.requestId);
    assert.deepEqual(latest['responseContext'], { statusCode: 200, executedVersion: '$LATEST' });

    // SNS delivering to the alias's ARN: an async invoke of the alias (now at 2), with the alias's destinations.
    const sns = snsClient(app);
    try {
      const topic = (await sns.send(new CreateTopicCommand({ Name: 'to-alias' }))).TopicArn!;
      await sns.send(
        new SubscribeCommand({ TopicArn: topic, Protocol: 'lambda', Endpoint: `${ARN}:aq:live` }),
      );
      await sns.send(new PublishCommand({ TopicArn: topic, Message: 'hi' }));
    } finally {
      sns.destroy();
    }
    const fromSns = await nextRecord(sqs, aliasQ.url);
    assert.equal((fromSns['requestContext'] as { functionArn: string }).functionArn, `${ARN}:aq:live`);
    assert.deepEqual(fromSns['responsePayload'], { code: 'two', v: '2' });
  });

  it('an event older than MaximumEventAgeInSeconds is dropped with an EventAgeExceeded record', async () => {
    const url = (await sqs.send(new CreateQueueCommand({ QueueName: 'too-old' }))).QueueUrl!;
    await createNodeFunction(c, 'aged', 'export const handler = async () => "ran";');
    await c.send(
      new PutFunctionEventInvokeConfigCommand({
        FunctionName: 'aged',
        MaximumEventAgeInSeconds: 60,
        DestinationConfig: { OnFailure: { Destination: await queueArnOf(sqs, url) } },
      }),
    );
    // Reserved concurrency 0 holds the event in the queue while it ages.
    await c.send(
      new PutFunctionConcurrencyCommand({ FunctionName: 'aged', ReservedConcurrentExecutions: 0 }),
    );
    const old = await c.send(
      new InvokeCommand({ FunctionName: 'aged', InvocationType: 'Event', Payload: Buffer.from('{"n":1}') }),
    );
    await clock.advance(61_000);
    await c.send(new DeleteFunctionConcurrencyCommand({ FunctionName: 'aged' }));
    const rec = await nextRecord(sqs, url);
    assert.deepEqual(rec['requestContext'], {
      requestId: old.$metadata.requestId,
      functionArn: `${ARN}:aged:$LATEST`,
      condition: 'EventAgeExceeded',
      approximateInvokeCount: 0,
    });
    assert.deepEqual(rec['requestPayload'], { n: 1 });
    assert.equal(rec['responseContext'], undefined);
  });

  it('destinations may be another function (an async invoke with the record as its event) or an SNS topic', async () => {
    const sinkOut = (await sqs.send(new CreateQueueCommand({ QueueName: 'sink-out' }))).QueueUrl!;
    const topicOut = (await sqs.send(new CreateQueueCommand({ QueueName: 'topic-out' }))).QueueUrl!;
    const sns = snsClient(app);
    let topic: string;
    try {
      topic = (await sns.send(new CreateTopicCommand({ Name: 'failures' }))).TopicArn!;
      await sns.send(
        new SubscribeCommand({
          TopicArn: topic,
          Protocol: 'sqs',
          Endpoint: await queueArnOf(sqs, topicOut),
          Attributes: { RawMessageDelivery: 'true' },
        }),
      );
    } finally {
      sns.destroy();
    }
    // The sink passes on the event it got (the relay's record) to its own on-success queue.
    await createNodeFunction(c, 'sink', 'export const handler = async (e) => e;');
    await c.send(
      new PutFunctionEventInvokeConfigCommand({
        FunctionName: 'sink',
        DestinationConfig: { OnSuccess: { Destination: await queueArnOf(sqs, sinkOut) } },
      }),
    );
    await createNodeFunction(
      c,
      'relay',
      `export const handler = async (e) => { if (e.fail) throw new Error('no'); return 'relayed'; };`,
    );
    await c.send(
      new PutFunctionEventInvokeConfigCommand({
        FunctionName: 'relay',
        MaximumRetryAttempts: 0,
        DestinationConfig: {
          OnSuccess: { Destination: `${ARN}:sink` },
          OnFailure: { Destination: topic },
        },
      }),
    );
    const ok = await c.send(
      new InvokeCommand({ FunctionName: 'relay', InvocationType: 'Event', Payload: Buffer.from('{}') }),
    );
    const viaSink = await nextRecord(sqs, sinkOut);
    const relayed = viaSink['responsePayload'] as Record<string, unknown>;
    assert.deepEqual(relayed['requestContext'], {
      requestId: ok.$metadata.requestId,
      functionArn: `${ARN}:relay:$LATEST`,
      condition: 'Success',
      approximateInvokeCount: 1,
    });
    assert.equal(relayed['responsePayload'], 'relayed');

    const bad = await c.send(
      new InvokeCommand({
        FunctionName: 'relay',
        InvocationType: 'Event',
        Payload: Buffer.from('{"fail":1}'),
      }),
    );
    const viaTopic = await nextRecord(sqs, topicOut);
    assert.deepEqual(viaTopic['requestContext'], {
      requestId: bad.$metadata.requestId,
      functionArn: `${ARN}:relay:$LATEST`,
      condition: 'RetriesExhausted',
      approximateInvokeCount: 1,
    });
  });
});
