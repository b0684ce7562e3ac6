import { strict as assert } from 'node:assert';
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import {
  CreateFunctionCommand,
  InvokeCommand,
  type InvokeCommandOutput,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import type { App } from '../../src/app/app.js';
import type { LambdaEvents } from '../../src/lambda/lambda-events.js';
import { startTestServer, waitFor } from '../harness/helpers.js';
import { Gate } from '../harness/gate.js';
import {
  createGated,
  createNodeFunction,
  decode,
  lambdaClient,
  makeZip,
  ROLE,
  logOf,
} from './lambda-helpers.js';
import { hooks } from '../harness/hooks.js';

type ErrorPayload = { errorType: string; errorMessage: string; trace?: string[] };

describe('Lambda invocations in worker processes', () => {
  let app: App;
  let c: LambdaClient;
  const invoke = (name: string, payload?: unknown, tail = false): Promise<InvokeCommandOutput> =>
    c.send(
      new InvokeCommand({
        FunctionName: name,
        Payload: payload === undefined ? undefined : Buffer.from(JSON.stringify(payload)),
        LogType: tail ? 'Tail' : undefined,
      }),
    );

  /** The next workerExit of one function (other functions' workers come and go meanwhile). */
  const exitOf = (functionName: string): Promise<LambdaEvents['workerExit'][0]> =>
    new Promise((resolve) => {
      const on = (e: LambdaEvents['workerExit'][0]): void => {
        if (e.functionName !== functionName) return;
        hooks(app).lambdaEvents.off('workerExit', on);
        resolve(e);
      };
      hooks(app).lambdaEvents.on('workerExit', on);
    });

  before(async () => {
    // Something the server process has that a function must not see.
    process.env['TRIBUTARY_TEST_SERVER_SECRET'] = 'leak';
    app = await startTestServer({ lambda: { asyncRetryDelaysMs: [30, 30], idleTimeoutMs: 60_000 } });
    c = lambdaClient(app);
  });
  after(async () => {
    c.destroy();
    await app.close();
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
    const r = await invoke('ctx', { hello: 'world' });
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
      outs.push(decode((await invoke('warm')).Payload) as { n: number; pid: number });
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
    assert.deepEqual(decode((await invoke('cjs', { x: 1 })).Payload), { cjs: true, x: 1, host: 'string' });
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
    assert.deepEqual(decode((await invoke('esm-js', 'hi')).Payload), { esm: true, e: 'hi' });
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
    const waited = await invoke('drain', { wait: true }, true);
    assert.equal(decode(waited.Payload), 'done');
    assert.match(logOf(waited), /timer fired[\s\S]*END RequestId/);
    const quick = await invoke('drain', { wait: false }, true);
    assert.equal(decode(quick.Payload), 'done');
    assert.doesNotMatch(logOf(quick), /timer fired/);
  });

  it('LogType Tail returns the invocation log with START, the output, END and REPORT', async () => {
    await createNodeFunction(
      c,
      'logs',
      `export const handler = async (e) => { console.log('hello from', e.who); console.error('to stderr'); return 1; };`,
    );
    const r = await invoke('logs', { who: 'tail' }, true);
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
    const warm = logOf(await invoke('logs', { who: 'again' }, true));
    assert.doesNotMatch(warm, /Init Duration/);
    assert.ok(Buffer.byteLength(logOf(await invoke('logs', { who: 'x'.repeat(10_000) }, true))) <= 4096);
  });

  it('a thrown error is an Unhandled function error with errorType, errorMessage and trace', async () => {
    await createNodeFunction(
      c,
      'thrower',
      `export const handler = async () => { throw new TypeError('boom'); };`,
    );
    const r = await invoke('thrower', {}, true);
    assert.equal(r.StatusCode, 200);
    assert.equal(r.FunctionError, 'Unhandled');
    const err = decode(r.Payload) as ErrorPayload;
    assert.equal(err.errorType, 'TypeError');
    assert.equal(err.errorMessage, 'boom');
    assert.ok(Array.isArray(err.trace) && err.trace[0] === 'TypeError: boom');
    assert.match(logOf(r), /ERROR\tInvoke Error \t\{"errorType":"TypeError"/);
    // The worker survives a handled error.
    assert.equal((await invoke('thrower')).FunctionError, 'Unhandled');
  });

  it('a timeout kills and replaces the worker: "Task timed out after 1.00 seconds"', async () => {
    await createNodeFunction(
      c,
      'sleepy',
      `export const handler = async (e) => { if (e.sleep) await new Promise((r) => setTimeout(r, 60_000)); return process.pid; };`,
      { Timeout: 1 },
    );
    const firstPid = decode((await invoke('sleepy', {})).Payload);
    const exited = exitOf('sleepy');
    const t0 = Date.now();
    const r = await invoke('sleepy', { sleep: true }, true);
    // Cut by the 1 s timeout, long before the handler's 60 s sleep: 20 s leaves a loaded machine its room.
    assert.ok(Date.now() - t0 < 20_000);
    assert.equal(r.FunctionError, 'Unhandled');
    const err = decode(r.Payload) as ErrorPayload;
    assert.equal(err.errorType, 'Sandbox.Timedout');
    assert.equal(
      err.errorMessage,
      `RequestId: ${r.$metadata.requestId} Error: Task timed out after 1.00 seconds`,
    );
    const log = logOf(r);
    assert.match(log, /Z [0-9a-f-]{36} Task timed out after 1\.00 seconds\n/);
    assert.match(log, /REPORT RequestId: .*\tStatus: timeout\t/);
    const exit = await exited;
    assert.equal(exit.reason, 'timeout');
    assert.equal(exit.signal, 'SIGKILL');
    const nextPid = decode((await invoke('sleepy', {})).Payload);
    assert.notEqual(nextPid, firstPid);
  });

  it('process.exit in the handler fails that invoke with Runtime.ExitError; the next one gets a fresh worker', async () => {
    await createNodeFunction(
      c,
      'exiter',
      `export const handler = async (e) => { if (e.exit) process.exit(3); return 'alive'; };`,
    );
    assert.equal(decode((await invoke('exiter', {})).Payload), 'alive');
    const r = await invoke('exiter', { exit: true }, true);
    assert.equal(r.FunctionError, 'Unhandled');
    const err = decode(r.Payload) as ErrorPayload;
    assert.equal(err.errorType, 'Runtime.ExitError');
    assert.equal(
      err.errorMessage,
      `RequestId: ${r.$metadata.requestId} Error: Runtime exited with error: exit status 3`,
    );
    assert.match(logOf(r), /Status: error\tError Type: Runtime\.ExitError/);
    assert.equal(decode((await invoke('exiter', {})).Payload), 'alive');
  });

  it('leaking memory past MemorySize ends with Runtime.OutOfMemory, not a server crash', async () => {
    await createNodeFunction(
      c,
      'leaky',
      `const keep = []; export const handler = async (e) => { if (e.leak) for (;;) keep.push(new Array(100_000).fill(Math.random())); return 'ok'; };`,
      { MemorySize: 128, Timeout: 60 },
    );
    const r = await invoke('leaky', { leak: true });
    assert.equal(r.FunctionError, 'Unhandled');
    const err = decode(r.Payload) as ErrorPayload;
    assert.equal(err.errorType, 'Runtime.OutOfMemory');
    assert.match(
      err.errorMessage,
      /Runtime exited with error: signal: aborted|Runtime exited with error: exit status/,
    );
    assert.equal(decode((await invoke('leaky', {})).Payload), 'ok');
  });

  it('an unhandled promise rejection fails the invoke with Runtime.UnhandledPromiseRejection', async () => {
    await createNodeFunction(
      c,
      'rejecter',
      `export const handler = async () => { Promise.reject(new Error('nobody catches me')); await new Promise((r) => setTimeout(r, 500)); return 'late'; };`,
    );
    const r = await invoke('rejecter');
    const err = decode(r.Payload) as ErrorPayload;
    assert.equal(r.FunctionError, 'Unhandled');
    assert.equal(err.errorType, 'Runtime.UnhandledPromiseRejection');
    assert.equal(err.errorMessage, 'Error: nobody catches me');
  });

  it('init failures report AWS error types: ImportModuleError, HandlerNotFound, UserCodeSyntaxError, thrown init errors', async () => {
    await createNodeFunction(c, 'no-module', `export const handler = async () => 1;`, {
      Handler: 'missing.handler',
    });
    const a = decode((await invoke('no-module')).Payload) as ErrorPayload;
    assert.equal(a.errorType, 'Runtime.ImportModuleError');
    assert.match(a.errorMessage, /^Error: Cannot find module 'missing'/);
    await createNodeFunction(c, 'no-export', `export const other = async () => 1;`);
    const b = await invoke('no-export', {}, true);
    assert.equal(b.FunctionError, 'Unhandled');
    const be = decode(b.Payload) as ErrorPayload;
    assert.equal(be.errorType, 'Runtime.HandlerNotFound');
    assert.equal(be.errorMessage, 'index.handler is undefined or not exported');
    assert.match(
      logOf(b),
      /INIT_REPORT Init Duration: [\d.]+ ms\tPhase: init\tStatus: error\tError Type: Runtime\.HandlerNotFound/,
    );
    await createNodeFunction(c, 'bad-syntax', `export const handler = async () => { return 1 +; };`);
    assert.equal(
      (decode((await invoke('bad-syntax')).Payload) as ErrorPayload).errorType,
      'Runtime.UserCodeSyntaxError',
    );
    await createNodeFunction(
      c,
      'init-throws',
      `throw new RangeError('config missing'); export const handler = async () => 1;`,
    );
    const d = decode((await invoke('init-throws')).Payload) as ErrorPayload;
    assert.equal(d.errorType, 'RangeError');
    assert.equal(d.errorMessage, 'config missing');
  });

  it('a response above 6 MB fails with Function.ResponseSizeTooLarge', async () => {
    await createNodeFunction(c, 'huge', `export const handler = async () => 'x'.repeat(7 * 1024 * 1024);`);
    const r = await invoke('huge');
    assert.equal(r.FunctionError, 'Unhandled');
    assert.equal((decode(r.Payload) as ErrorPayload).errorType, 'Function.ResponseSizeTooLarge');
  });

  it('a hung function does not block other functions', async () => {
    // Ordering, not a duration: `quick` completes while `hang` is provably still running, held at a gate
    // only the test opens.
    const gate = await Gate.start();
    try {
      await createGated(c, gate, 'hang', 10);
      await createNodeFunction(c, 'quick', `export const handler = async () => 'quick';`);
      await invoke('quick');
      const start = gate.arrived.length;
      let hungDone = false;
      const hung = invoke('hang', { id: 'h' }).finally(() => (hungDone = true));
      await gate.reached(start + 1);
      assert.equal(decode((await invoke('quick')).Payload), 'quick');
      assert.equal(hungDone, false, 'quick completed while hang was still held');
      gate.release('h');
      assert.deepEqual(decode((await hung).Payload), { id: 'h', gate: 'released' });
    } finally {
      await gate.close();
    }
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
