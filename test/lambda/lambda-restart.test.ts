import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  CreateAliasCommand,
  DeleteFunctionConcurrencyCommand,
  GetFunctionCommand,
  InvokeCommand,
  PublishVersionCommand,
  PutFunctionConcurrencyCommand,
  PutFunctionEventInvokeConfigCommand,
} from '@aws-sdk/client-lambda';
import { CreateQueueCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import type { LambdaEvents } from '../../src/lambda/lambda-events.js';
import { startTestServer, tempDir, waitFor } from '../harness/helpers.js';
import { createNodeFunction, decode, lambdaClient, lambdaTestServer } from './lambda-helpers.js';
import { queueArnOf, sqsClient } from '../sqs-sns/sqs-sns-helpers.js';
import { hooks } from '../harness/hooks.js';

const COUNTER = `export const handler = async (e) => { console.log('served', JSON.stringify(e)); return { v: process.env.VER, e }; };`;

describe('Lambda across a server restart', () => {
  it('functions, their code, their logs and queued Event invocations survive; --in-memory leaves nothing behind', async () => {
    const dataDir = tempDir('tributary-lambda-restart-');
    let app = await startTestServer({ dataDir });
    let c = lambdaClient(app);
    await createNodeFunction(c, 'keeper', COUNTER, {
      Environment: { Variables: { VER: 'kept' } },
      Timeout: 5,
    });
    const first = await c.send(
      new InvokeCommand({ FunctionName: 'keeper', Payload: Buffer.from('{"run":1}') }),
    );
    assert.deepEqual(decode(first.Payload), { v: 'kept', e: { run: 1 } });
    // An Event invocation that cannot run yet (reserved concurrency 0) must still be there after the restart.
    await c.send(
      new PutFunctionConcurrencyCommand({ FunctionName: 'keeper', ReservedConcurrentExecutions: 0 }),
    );
    const queued = await c.send(
      new InvokeCommand({
        FunctionName: 'keeper',
        InvocationType: 'Event',
        Payload: Buffer.from('{"run":"queued"}'),
      }),
    );
    assert.equal(queued.StatusCode, 202);
    // One through an alias: after the restart it still runs with the alias's event invoke config (its destination).
    await c.send(new PublishVersionCommand({ FunctionName: 'keeper' }));
    await c.send(new CreateAliasCommand({ FunctionName: 'keeper', Name: 'live', FunctionVersion: '1' }));
    let sqs = sqsClient(app);
    const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'keeper-done' }))).QueueUrl!;
    await c.send(
      new PutFunctionEventInvokeConfigCommand({
        FunctionName: 'keeper',
        Qualifier: 'live',
        DestinationConfig: { OnSuccess: { Destination: await queueArnOf(sqs, queueUrl) } },
      }),
    );
    sqs.destroy();
    const viaAlias = await c.send(
      new InvokeCommand({
        FunctionName: 'keeper:live',
        InvocationType: 'Event',
        Payload: Buffer.from('{"run":"alias"}'),
      }),
    );
    const before = await c.send(new GetFunctionCommand({ FunctionName: 'keeper' }));
    c.destroy();
    await app.close();

    app = await startTestServer({ dataDir });
    c = lambdaClient(app);
    try {
      const after = await c.send(new GetFunctionCommand({ FunctionName: 'keeper' }));
      assert.equal(after.Configuration?.CodeSha256, before.Configuration?.CodeSha256);
      assert.equal(after.Configuration?.RevisionId, before.Configuration?.RevisionId);
      assert.equal(after.Configuration?.State, 'Active');
      assert.equal(after.Concurrency?.ReservedConcurrentExecutions, 0);
      assert.equal(hooks(app).asyncInvocations.queued('keeper'), 2);

      const done: Array<LambdaEvents['asyncDone'][0]> = [];
      const ran = new Promise<void>((resolve) =>
        hooks(app).lambdaEvents.on('asyncDone', (d) => done.push(d) === 2 && resolve()),
      );
      await c.send(new DeleteFunctionConcurrencyCommand({ FunctionName: 'keeper' }));
      await ran;
      // Both may run at once, finishing in either order.
      assert.deepEqual(Object.fromEntries(done.map((d) => [d.requestId, d.outcome])), {
        [queued.$metadata.requestId!]: 'success',
        [viaAlias.$metadata.requestId!]: 'success',
      });
      sqs = sqsClient(app);
      const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 5 }));
      sqs.destroy();
      const record = JSON.parse(got.Messages?.[0]?.Body ?? '{}') as {
        requestContext?: { requestId: string; functionArn: string };
      };
      assert.deepEqual(
        record.requestContext && [record.requestContext.requestId, record.requestContext.functionArn],
        [viaAlias.$metadata.requestId, 'arn:aws:lambda:us-east-1:000000000000:function:keeper:live'],
      );

      const second = await c.send(
        new InvokeCommand({ FunctionName: 'keeper', Payload: Buffer.from('{"run":2}') }),
      );
      assert.deepEqual(decode(second.Payload), { v: 'kept', e: { run: 2 } });

      // The log file spans both runs.
      await hooks(app).logs.flush('keeper');
      const log = readFileSync(join(dataDir, 'lambda', 'logs', 'keeper.log'), 'utf8');
      assert.match(log, /served \{"run":1\}[\s\S]*served \{"run":"queued"\}[\s\S]*served \{"run":2\}/);
    } finally {
      c.destroy();
      await app.close();
    }

    const mem = await startTestServer();
    const mc = lambdaClient(mem);
    await createNodeFunction(mc, 'ephemeral', COUNTER);
    await mc.send(new InvokeCommand({ FunctionName: 'ephemeral' }));
    const root = hooks(mem).lambdaRoot;
    assert.ok(existsSync(root));
    mc.destroy();
    await mem.close();
    assert.equal(existsSync(root), false);
  });
});

describe('tributary logs', () => {
  it('prints a function log from the server and follows new lines', async () => {
    await using server = await lambdaTestServer();
    const { app, c } = server;
    await createNodeFunction(c, 'talker', COUNTER);
    await c.send(new InvokeCommand({ FunctionName: 'talker', Payload: Buffer.from('{"n":"past"}') }));
    const cli = (args: string[]): ReturnType<typeof spawn> =>
      spawn(process.execPath, ['bin/tributary.js', 'logs', ...args, '--endpoint-url', app.endpoint], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });

    const once = cli(['talker', '--lines', '50']);
    let out = '';
    once.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | null>((resolve) => once.on('close', resolve));
    assert.equal(code, 0);
    assert.match(out, /START RequestId: [\s\S]*served \{"n":"past"\}[\s\S]*REPORT RequestId: /);

    const missing = cli(['nobody']);
    let err = '';
    missing.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    assert.equal(await new Promise<number | null>((resolve) => missing.on('close', resolve)), 1);
    assert.match(err, /Function not found/);

    const follow = cli(['talker', '--follow', '--lines', '0']);
    let live = '';
    follow.stdout!.on('data', (d: Buffer) => (live += d.toString()));
    // The follower is subscribed once the server streams to it; invoke until its line shows up.
    await waitFor(
      async () => {
        await c.send(new InvokeCommand({ FunctionName: 'talker', Payload: Buffer.from('{"n":"live"}') }));
        return live.includes('served {"n":"live"}');
      },
      15_000,
      'the followed line',
    );
    follow.kill('SIGINT');
    await new Promise((resolve) => follow.on('close', resolve));
  });
});
