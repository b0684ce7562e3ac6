import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import {
  CreateAliasCommand,
  CreateEventSourceMappingCommand,
  DeleteFunctionCommand,
  DeleteFunctionEventInvokeConfigCommand,
  GetAccountSettingsCommand,
  GetFunctionCommand,
  GetFunctionEventInvokeConfigCommand,
  InvokeCommand,
  ListFunctionEventInvokeConfigsCommand,
  ListTagsCommand,
  PublishVersionCommand,
  PutFunctionConcurrencyCommand,
  PutFunctionEventInvokeConfigCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateFunctionEventInvokeConfigCommand,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import { CreateStreamCommand, KinesisClient } from '@aws-sdk/client-kinesis';
import { CreateQueueCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { App } from '../../src/app/app.js';
import { credentials, region, startTestServer } from '../harness/helpers.js';
import { queueArnOf, sqsClient } from '../sqs-sns/sqs-sns-helpers.js';
import {
  createNodeFunction,
  failure,
  lambdaClient,
  type LambdaTransport,
  withLambdaServer,
} from './lambda-helpers.js';

const ARN = 'arn:aws:lambda:us-east-1:000000000000:function';

/** Waits (long polls) for one message on the queue and returns its body as JSON. */
async function nextRecord(sqs: SQSClient, url: string): Promise<Record<string, unknown>> {
  for (;;) {
    const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 5 }));
    const m = out.Messages?.[0];
    if (m) return JSON.parse(m.Body!) as Record<string, unknown>;
  }
}

for (const transport of ['h2', 'h1'] as LambdaTransport[]) {
  describe(`Lambda tags and account settings over ${transport}`, () => {
    let app: App;
    let c: LambdaClient;
    withLambdaServer(transport, (a, client) => ((app = a), (c = client)));

    it('TagResource, UntagResource and ListTags on functions and event source mappings', async () => {
      await createNodeFunction(c, 'tagged', 'export const handler = async () => 1;', { Tags: { team: 'a' } });
      await c.send(new TagResourceCommand({ Resource: `${ARN}:tagged`, Tags: { env: 'dev', cost: '7' } }));
      assert.deepEqual((await c.send(new ListTagsCommand({ Resource: `${ARN}:tagged` }))).Tags, {
        team: 'a',
        env: 'dev',
        cost: '7',
      });
      await c.send(
        new UntagResourceCommand({ Resource: `${ARN}:tagged`, TagKeys: ['team', 'cost', 'absent'] }),
      );
      assert.deepEqual((await c.send(new GetFunctionCommand({ FunctionName: 'tagged' }))).Tags, {
        env: 'dev',
      });
      assert.deepEqual(await failure(c.send(new ListTagsCommand({ Resource: `${ARN}:nope` }))), {
        name: 'ResourceNotFoundException',
        status: 404,
        message: `Function not found: ${ARN}:nope`,
      });
      assert.equal(
        (await failure(c.send(new TagResourceCommand({ Resource: `${ARN}:tagged:1`, Tags: { a: 'b' } }))))
          .name,
        'InvalidParameterValueException',
      );

      const k = new KinesisClient({ endpoint: app.endpoint, region, credentials });
      await k.send(new CreateStreamCommand({ StreamName: 'tag-src', ShardCount: 1 }));
      k.destroy();
      const m = await c.send(
        new CreateEventSourceMappingCommand({
          FunctionName: 'tagged',
          EventSourceArn: 'arn:aws:kinesis:us-east-1:000000000000:stream/tag-src',
          StartingPosition: 'LATEST',
          Tags: { owner: 'me' },
        }),
      );
      const mappingArn = m.EventSourceMappingArn!;
      await c.send(new TagResourceCommand({ Resource: mappingArn, Tags: { stage: 'beta' } }));
      assert.deepEqual((await c.send(new ListTagsCommand({ Resource: mappingArn }))).Tags, {
        owner: 'me',
        stage: 'beta',
      });
      await c.send(new UntagResourceCommand({ Resource: mappingArn, TagKeys: ['owner'] }));
      assert.deepEqual((await c.send(new ListTagsCommand({ Resource: mappingArn }))).Tags, { stage: 'beta' });
    });

    it('GetAccountSettings reports the limits and what functions use', async () => {
      const before = await c.send(new GetAccountSettingsCommand({}));
      assert.equal(before.AccountLimit?.CodeSizeZipped, 52_428_800);
      assert.equal(before.AccountLimit?.CodeSizeUnzipped, 262_144_000);
      assert.equal(before.AccountLimit?.TotalCodeSize, 80_530_636_800);
      assert.equal(before.AccountLimit?.ConcurrentExecutions, 1000);
      assert.equal(before.AccountLimit?.UnreservedConcurrentExecutions, 1000);
      assert.equal(before.AccountUsage?.FunctionCount, 1);
      const size = (await c.send(new GetFunctionCommand({ FunctionName: 'tagged' }))).Configuration!
        .CodeSize!;
      assert.equal(before.AccountUsage?.TotalCodeSize, size);
      await c.send(new PublishVersionCommand({ FunctionName: 'tagged' }));
      await c.send(
        new PutFunctionConcurrencyCommand({ FunctionName: 'tagged', ReservedConcurrentExecutions: 5 }),
      );
      const after = await c.send(new GetAccountSettingsCommand({}));
      assert.equal(after.AccountUsage?.TotalCodeSize, 2 * size);
      assert.equal(after.AccountLimit?.UnreservedConcurrentExecutions, 995);
    });
  });
}

describe('Event invoke configs and async destinations', () => {
  let app: App;
  let c: LambdaClient;
  let sqs: SQSClient;
  before(async () => {
    app = await startTestServer({ lambda: { asyncRetryDelaysMs: [10, 10] } });
    c = lambdaClient(app, 'h2');
    sqs = sqsClient(app);
  });
  after(async () => {
    c.destroy();
    sqs.destroy();
    await app.close();
  });

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
});
