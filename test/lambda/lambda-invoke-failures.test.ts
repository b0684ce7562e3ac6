import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { App } from '../../src/app/app.js';
import { Gate } from '../harness/gate.js';
import {
  createGated,
  createNodeFunction,
  decode,
  invokeFunction,
  logOf,
  withLambdaServer,
  workerExitOf,
} from './lambda-helpers.js';

type ErrorPayload = { errorType: string; errorMessage: string; trace?: string[] };

// What fails an invoke and how the worker fleet recovers: thrown errors, timeouts, exits, memory, unhandled
// rejections, init failures, oversized responses, a hung function. Working invokes: lambda-invoke.test.ts.
describe('Lambda invocation failures in worker processes', () => {
  let app: App;
  let c: LambdaClient;
  withLambdaServer(
    'default',
    (a, client) => {
      app = a;
      c = client;
    },
    // Warm workers stay a minute: a test compares the process before and after a failure.
    { lambda: { idleTimeoutMs: 60_000 } },
  );

  it('a thrown error is an Unhandled function error with errorType, errorMessage and trace', async () => {
    await createNodeFunction(
      c,
      'thrower',
      `export const handler = async () => { throw new TypeError('boom'); };`,
    );
    const r = await invokeFunction(c, 'thrower', {}, true);
    assert.equal(r.StatusCode, 200);
    assert.equal(r.FunctionError, 'Unhandled');
    const err = decode(r.Payload) as ErrorPayload;
    assert.equal(err.errorType, 'TypeError');
    assert.equal(err.errorMessage, 'boom');
    assert.ok(Array.isArray(err.trace) && err.trace[0] === 'TypeError: boom');
    assert.match(logOf(r), /ERROR\tInvoke Error \t\{"errorType":"TypeError"/);
    // The worker survives a handled error.
    assert.equal((await invokeFunction(c, 'thrower')).FunctionError, 'Unhandled');
  });

  it('a timeout kills and replaces the worker: "Task timed out after 1.00 seconds"', async () => {
    await createNodeFunction(
      c,
      'sleepy',
      `export const handler = async (e) => { if (e.sleep) await new Promise((r) => setTimeout(r, 60_000)); return process.pid; };`,
      { Timeout: 1 },
    );
    const firstPid = decode((await invokeFunction(c, 'sleepy', {})).Payload);
    const exited = workerExitOf(app, 'sleepy');
    const t0 = Date.now();
    const r = await invokeFunction(c, 'sleepy', { sleep: true }, true);
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
    const nextPid = decode((await invokeFunction(c, 'sleepy', {})).Payload);
    assert.notEqual(nextPid, firstPid);
  });

  it('process.exit in the handler fails that invoke with Runtime.ExitError; the next one gets a fresh worker', async () => {
    await createNodeFunction(
      c,
      'exiter',
      `export const handler = async (e) => { if (e.exit) process.exit(3); return 'alive'; };`,
    );
    assert.equal(decode((await invokeFunction(c, 'exiter', {})).Payload), 'alive');
    const r = await invokeFunction(c, 'exiter', { exit: true }, true);
    assert.equal(r.FunctionError, 'Unhandled');
    const err = decode(r.Payload) as ErrorPayload;
    assert.equal(err.errorType, 'Runtime.ExitError');
    assert.equal(
      err.errorMessage,
      `RequestId: ${r.$metadata.requestId} Error: Runtime exited with error: exit status 3`,
    );
    assert.match(logOf(r), /Status: error\tError Type: Runtime\.ExitError/);
    assert.equal(decode((await invokeFunction(c, 'exiter', {})).Payload), 'alive');
  });

  it('leaking memory past MemorySize ends with Runtime.OutOfMemory, not a server crash', async () => {
    await createNodeFunction(
      c,
      'leaky',
      `const keep = []; export const handler = async (e) => { if (e.leak) for (;;) keep.push(new Array(100_000).fill(Math.random())); return 'ok'; };`,
      { MemorySize: 128, Timeout: 60 },
    );
    const r = await invokeFunction(c, 'leaky', { leak: true });
    assert.equal(r.FunctionError, 'Unhandled');
    const err = decode(r.Payload) as ErrorPayload;
    assert.equal(err.errorType, 'Runtime.OutOfMemory');
    assert.match(
      err.errorMessage,
      /Runtime exited with error: signal: aborted|Runtime exited with error: exit status/,
    );
    assert.equal(decode((await invokeFunction(c, 'leaky', {})).Payload), 'ok');
  });

  it('an unhandled promise rejection fails the invoke with Runtime.UnhandledPromiseRejection', async () => {
    await createNodeFunction(
      c,
      'rejecter',
      `export const handler = async () => { Promise.reject(new Error('nobody catches me')); await new Promise((r) => setTimeout(r, 500)); return 'late'; };`,
    );
    const r = await invokeFunction(c, 'rejecter');
    const err = decode(r.Payload) as ErrorPayload;
    assert.equal(r.FunctionError, 'Unhandled');
    assert.equal(err.errorType, 'Runtime.UnhandledPromiseRejection');
    assert.equal(err.errorMessage, 'Error: nobody catches me');
  });

  it('init failures report AWS error types: ImportModuleError, HandlerNotFound, UserCodeSyntaxError, thrown init errors', async () => {
    await createNodeFunction(c, 'no-module', `export const handler = async () => 1;`, {
      Handler: 'missing.handler',
    });
    const a = decode((await invokeFunction(c, 'no-module')).Payload) as ErrorPayload;
    assert.equal(a.errorType, 'Runtime.ImportModuleError');
    assert.match(a.errorMessage, /^Error: Cannot find module 'missing'/);
    await createNodeFunction(c, 'no-export', `export const other = async () => 1;`);
    const b = await invokeFunction(c, 'no-export', {}, true);
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
      (decode((await invokeFunction(c, 'bad-syntax')).Payload) as ErrorPayload).errorType,
      'Runtime.UserCodeSyntaxError',
    );
    await createNodeFunction(
      c,
      'init-throws',
      `throw new RangeError('config missing'); export const handler = async () => 1;`,
    );
    const d = decode((await invokeFunction(c, 'init-throws')).Payload) as ErrorPayload;
    assert.equal(d.errorType, 'RangeError');
    assert.equal(d.errorMessage, 'config missing');
  });

  it('a response above 6 MB fails with Function.ResponseSizeTooLarge', async () => {
    await createNodeFunction(c, 'huge', `export const handler = async () => 'x'.repeat(7 * 1024 * 1024);`);
    const r = await invokeFunction(c, 'huge');
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
      await invokeFunction(c, 'quick');
      const start = gate.arrived.length;
      let hungDone = false;
      const hung = invokeFunction(c, 'hang', { id: 'h' }).finally(() => (hungDone = true));
      await gate.reached(start + 1);
      assert.equal(decode((await invokeFunction(c, 'quick')).Payload), 'quick');
      assert.equal(hungDone, false, 'quick completed while hang was still held');
      gate.release('h');
      assert.deepEqual(decode((await hung).Payload), { id: 'h', gate: 'released' });
    } finally {
      await gate.close();
    }
  });
});
