import { strict as assert } from 'node:assert';
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { CreateFunctionCommand, InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import type { App } from '../../src/app/app.js';
import type { LambdaEvents } from '../../src/lambda/lambda-events.js';
import { waitFor } from '../harness/helpers.js';
import {
  createNodeFunction,
  decode,
  invokeFunction,
  makeZip,
  ROLE,
  logOf,
  withLambdaServer,
} from './lambda-helpers.js';
import { hooks } from '../harness/hooks.js';

// What a function sees and answers when it works, and Event invocations; what fails an invoke (errors, timeouts,
// exits, init failures) is in lambda-invoke-failures.test.ts.
describe('Lambda invocations in worker processes', () => {
  let app: App;
  let c: LambdaClient;

  before(() => {
    // Something the server process has that a function must not see.
    process.env['TRIBUTARY_TEST_SERVER_SECRET'] = 'leak';
  });
  withLambdaServer(
    'default',
    (a, client) => {
      app = a;
      c = client;
    },
    { lambda: { asyncRetryDelaysMs: [30, 30], idleTimeoutMs: 60_000 } },
  );
  after(() => {
    delete process.env['TRIBUTARY_TEST_SERVER_SECRET'];
  });

  it('passes the event, the AWS context object and the standard environment to an async ESM handler', async () => {
    await createNodeFunction(
      c,
      'ctx',
      `export const handler = async (event, context) => ({
        event,
        context: { ...context, remaining: context.getRemainingTimeInMillis() },
        env: {
          name: process.env.AWS_LAMBDA_FUNCTION_NAME, region: process.env.AWS_REGION, handler: process.env._HANDLER,
          root: process.env.LAMBDA_TASK_ROOT, memory: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
          api: process.env.AWS_LAMBDA_RUNTIME_API, exec: process.env.AWS_EXECUTION_ENV, version: process.env.AWS_LAMBDA_FUNCTION_VERSION,
          group: process.env.AWS_LAMBDA_LOG_GROUP_NAME, mine: process.env.MINE, secret: process.env.TRIBUTARY_TEST_SERVER_SECRET ?? null,
          cwd: process.cwd(),
        },
      });`,
      { Timeout: 7, Environment: { Variables: { MINE: 'yes' } } },
    );
    const r = await invokeFunction(c, 'ctx', { hello: 'world' });
    assert.equal(r.StatusCode, 200);
    assert.equal(r.FunctionError, undefined);
    assert.equal(r.ExecutedVersion, '$LATEST');
    const out = decode(r.Payload) as {
      event: unknown;
      context: Record<string, unknown>;
      env: Record<string, string | null>;
    };
    assert.deepEqual(out.event, { hello: 'world' });
    const ctx = out.context;
    assert.equal(ctx['functionName'], 'ctx');
    assert.equal(ctx['functionVersion'], '$LATEST');
    assert.equal(ctx['invokedFunctionArn'], 'arn:aws:lambda:us-east-1:000000000000:function:ctx');
    assert.equal(ctx['memoryLimitInMB'], '128');
    assert.equal(ctx['logGroupName'], '/aws/lambda/ctx');
    assert.match(String(ctx['logStreamName']), /^\d{4}\/\d\d\/\d\d\/\[\$LATEST\][0-9a-f]{32}$/);
    assert.equal(ctx['callbackWaitsForEmptyEventLoop'], true);
    assert.match(String(ctx['awsRequestId']), /^[0-9a-f-]{36}$/);
    assert.equal(ctx['awsRequestId'], r.$metadata.requestId);
    const remaining = Number(ctx['remaining']);
    // Counted down from the 7 s Timeout: never above it, and above the 3 s default's whole countdown; that
    // leaves a cold start on a loaded machine 4 s.
    assert.ok(remaining > 3000 && remaining <= 7000, `remaining ${remaining}`);
    const env = out.env;
    assert.equal(env['name'], 'ctx');
    assert.equal(env['region'], 'us-east-1');
    assert.equal(env['handler'], 'index.handler');
    assert.equal(env['memory'], '128');
    assert.equal(env['version'], '$LATEST');
    assert.equal(env['exec'], 'AWS_Lambda_nodejs20.x');
    assert.equal(env['group'], '/aws/lambda/ctx');
    assert.equal(env['mine'], 'yes');
    assert.equal(env['secret'], null);
    // host:port and the worker's token (runtime-api-server.ts; runtime-api-token.test.ts tries it).
    assert.match(String(env['api']), /^127\.0\.0\.1:\d+\/[0-9a-f]{32}$/);
    assert.equal(env['cwd'], env['root']);
    assert.ok(existsSync(`${env['root']}/index.mjs`));
  });

  it('keeps a worker warm: sequential invokes reuse one process and its module state', async () => {
    await createNodeFunction(
      c,
      'warm',
      `let n = 0; export const handler = async () => ({ n: ++n, pid: process.pid });`,
    );
    const spawns: number[] = [];
    const onSpawn = (e: LambdaEvents['workerSpawn'][0]): void => {
      if (e.functionName === 'warm') spawns.push(e.workerId);
    };
    hooks(app).lambdaEvents.on('workerSpawn', onSpawn);
    const outs: Array<{ n: number; pid: number }> = [];
    for (let i = 0; i < 5; i++)
      outs.push(decode((await invokeFunction(c, 'warm')).Payload) as { n: number; pid: number });
    hooks(app).lambdaEvents.off('workerSpawn', onSpawn);
    assert.deepEqual(
      outs.map((o) => o.n),
      [1, 2, 3, 4, 5],
    );
    assert.equal(new Set(outs.map((o) => o.pid)).size, 1);
    assert.equal(spawns.length, 1);
    // Parked on invocation/next again (it asks just after answering).
    await waitFor(() => hooks(app).fleet.warmWorkers('warm') === 1, 5000, 'the worker to park');
  });

  it('runs CommonJS callback handlers and ESM .js under "type": "module" in subdirectories', async () => {
    await c.send(
      new CreateFunctionCommand({
        FunctionName: 'cjs',
        Runtime: 'nodejs18.x',
        Handler: 'lib/main.go',
        Role: ROLE,
        Code: {
          ZipFile: await makeZip({
            'lib/main.js': `const os = require('node:os'); exports.go = function (event, context, callback) { setTimeout(() => callback(null, { cjs: true, x: event.x, host: typeof os.hostname() }), 5); };`,
          }),
        },
      }),
    );
    assert.deepEqual(decode((await invokeFunction(c, 'cjs', { x: 1 })).Payload), {
      cjs: true,
      x: 1,
      host: 'string',
    });
    await c.send(
      new CreateFunctionCommand({
        FunctionName: 'esm-js',
        Runtime: 'nodejs22.x',
        Handler: 'app.handler',
        Role: ROLE,
        Code: {
          ZipFile: await makeZip({
            'package.json': JSON.stringify({ type: 'module' }),
            'app.js': `import { helper } from './util.js'; export const handler = async (e) => helper(e);`,
            'util.js': `export const helper = (e) => ({ esm: true, e });`,
          }),
        },
      }),
    );
    assert.deepEqual(decode((await invokeFunction(c, 'esm-js', 'hi')).Payload), { esm: true, e: 'hi' });
  });

  it('callback handlers wait for the event loop to drain unless callbackWaitsForEmptyEventLoop is false', async () => {
    await createNodeFunction(
      c,
      'drain',
      `exports.handler = (event, context, callback) => {
        context.callbackWaitsForEmptyEventLoop = event.wait;
        setTimeout(() => console.log('timer fired'), event.wait ? 100 : 4000);
        callback(null, 'done');
      };`,
      {},
      'index.js',
    );
    const waited = await invokeFunction(c, 'drain', { wait: true }, true);
    assert.equal(decode(waited.Payload), 'done');
    assert.match(logOf(waited), /timer fired[\s\S]*END RequestId/);
    const quick = await invokeFunction(c, 'drain', { wait: false }, true);
    assert.equal(decode(quick.Payload), 'done');
    assert.doesNotMatch(logOf(quick), /timer fired/);
  });

  it('LogType Tail returns the invocation log with START, the output, END and REPORT', async () => {
    await createNodeFunction(
      c,
      'logs',
      `export const handler = async (e) => { console.log('hello from', e.who); console.error('to stderr'); return 1; };`,
    );
    const r = await invokeFunction(c, 'logs', { who: 'tail' }, true);
    const log = logOf(r);
    const id = r.$metadata.requestId!;
    assert.match(log, new RegExp(`^START RequestId: ${id} Version: \\$LATEST\\n`));
    assert.match(log, new RegExp(`\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z\\t${id}\\tINFO\\thello from tail\\n`));
    assert.match(log, new RegExp(`\\t${id}\\tERROR\\tto stderr\\n`));
    assert.match(
      log,
      new RegExp(
        `END RequestId: ${id}\\nREPORT RequestId: ${id}\\tDuration: [\\d.]+ ms\\tBilled Duration: \\d+ ms\\tMemory Size: 128 MB\\tMax Memory Used: \\d+ MB\\tInit Duration: [\\d.]+ ms\\t\\n$`,
      ),
    );
    const warm = logOf(await invokeFunction(c, 'logs', { who: 'again' }, true));
    assert.doesNotMatch(warm, /Init Duration/);
    assert.ok(
      Buffer.byteLength(logOf(await invokeFunction(c, 'logs', { who: 'x'.repeat(10_000) }, true))) <= 4096,
    );
  });

  it('Event invokes answer 202 and run asynchronously; DryRun answers 204', async () => {
    await createNodeFunction(
      c,
      'evt',
      `export const handler = async (e) => { console.log('event', e.n); return e.n; };`,
    );
    const ended = new Promise<LambdaEvents['invokeEnd'][0]>((resolve) => {
      const on = (e: LambdaEvents['invokeEnd'][0]): void => {
        if (e.functionName === 'evt' && e.invocationType === 'Event') {
          hooks(app).lambdaEvents.off('invokeEnd', on);
          resolve(e);
        }
      };
      hooks(app).lambdaEvents.on('invokeEnd', on);
    });
    const r = await c.send(
      new InvokeCommand({ FunctionName: 'evt', InvocationType: 'Event', Payload: Buffer.from('{"n":7}') }),
    );
    assert.equal(r.StatusCode, 202);
    const e = await ended;
    assert.equal(e.requestId, r.$metadata.requestId);
    assert.equal(e.status, 'success');
    const dry = await c.send(new InvokeCommand({ FunctionName: 'evt', InvocationType: 'DryRun' }));
    assert.equal(dry.StatusCode, 204);
    // The deprecated InvokeAsync operation queues the same way.
    const legacy = await fetch(`${app.endpoint}/2014-11-13/functions/evt/invoke-async/`, {
      method: 'POST',
      body: '{"n":8}',
    });
    assert.equal(legacy.status, 202);
    assert.deepEqual(await legacy.json(), { Status: 202 });
  });

  it('a failing Event invocation is retried twice (three attempts) with the same request id', async () => {
    await createNodeFunction(
      c,
      'evt-fail',
      `export const handler = async () => { throw new Error('always'); };`,
    );
    const attempts: number[] = [];
    const onStart = (e: LambdaEvents['invokeStart'][0]): void => {
      if (e.functionName === 'evt-fail') attempts.push(e.attempt);
    };
    hooks(app).lambdaEvents.on('invokeStart', onStart);
    const done = new Promise<LambdaEvents['asyncDone'][0]>((resolve) => {
      const on = (e: LambdaEvents['asyncDone'][0]): void => {
        if (e.functionName === 'evt-fail') resolve(e);
      };
      hooks(app).lambdaEvents.on('asyncDone', on);
    });
    const r = await c.send(
      new InvokeCommand({ FunctionName: 'evt-fail', InvocationType: 'Event', Payload: Buffer.from('{}') }),
    );
    const d = await done;
    hooks(app).lambdaEvents.off('invokeStart', onStart);
    assert.equal(d.requestId, r.$metadata.requestId);
    assert.equal(d.outcome, 'failed');
    assert.equal(d.attempts, 3);
    assert.deepEqual(attempts, [1, 2, 3]);
  });

  it('the FunctionInvoker interface (used by event source mappings) runs the same workers', async () => {
    await createNodeFunction(
      c,
      'thrower',
      `export const handler = async () => { throw new TypeError('boom'); };`,
    );
    const ok = await app.lambda.invoke(
      'arn:aws:lambda:us-east-1:000000000000:function:warm',
      Buffer.from('{}'),
    );
    assert.equal(ok.statusCode, 200);
    assert.equal(ok.functionError, undefined);
    assert.equal(ok.executedVersion, '$LATEST');
    assert.equal(typeof (JSON.parse(ok.payload.toString()) as { n: number }).n, 'number');
    const bad = await app.lambda.invoke('thrower', Buffer.from('{}'));
    assert.equal(bad.functionError, 'Unhandled');
    assert.deepEqual(app.lambda.lookup('warm'), {
      functionName: 'warm',
      functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:warm',
      role: ROLE,
    });
    assert.equal(app.lambda.lookup('absent'), undefined);
    await assert.rejects(app.lambda.invoke('absent', Buffer.from('{}')), {
      name: 'ResourceNotFoundException',
    });
  });

  it('function output is kept in the per-function log and served by the logs endpoint', async () => {
    await waitFor(
      async () => {
        const res = await fetch(`${app.endpoint}/_tributary/lambda/functions/logs/logs?lines=50`);
        return res.ok && (await res.text()).includes('hello from tail');
      },
      5000,
      'log lines on the logs endpoint',
    );
    const missing = await fetch(`${app.endpoint}/_tributary/lambda/functions/never-existed/logs`);
    assert.equal(missing.status, 404);
  });
});
