import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import {
  InvokeCommand,
  PutFunctionConcurrencyCommand,
  TooManyRequestsException,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import type { App } from '../src/server/app.js';
import type { LambdaEvents } from '../src/lambda/lambda-events.js';
import { startTestServer } from './helpers.js';
import { createNodeFunction, decode, lambdaClient } from './lambda-helpers.js';

const SLOW = `export const handler = async (e) => { await new Promise((r) => setTimeout(r, e.ms ?? 1000)); return e.i; };`;

/** Tracks how many invocations of a function run at once (from the component's events). */
function concurrencyProbe(app: App, functionName: string): { max: () => number; stop: () => void } {
  let now = 0;
  let max = 0;
  const start = (e: LambdaEvents['invokeStart'][0]): void => {
    if (e.functionName !== functionName) return;
    now++;
    max = Math.max(max, now);
  };
  const end = (e: LambdaEvents['invokeEnd'][0]): void => {
    if (e.functionName === functionName) now--;
  };
  app.lambda.events.on('invokeStart', start);
  app.lambda.events.on('invokeEnd', end);
  return {
    max: () => max,
    stop: () => {
      app.lambda.events.off('invokeStart', start);
      app.lambda.events.off('invokeEnd', end);
    },
  };
}

describe('Lambda reserved concurrency', () => {
  let app: App;
  let c: LambdaClient;
  before(async () => {
    app = await startTestServer();
    // No SDK retries: a throttle must be seen as the TooManyRequestsException it is.
    c = lambdaClient(app, 'default', 1);
    await createNodeFunction(c, 'capped', SLOW, { Timeout: 30 });
    await c.send(
      new PutFunctionConcurrencyCommand({ FunctionName: 'capped', ReservedConcurrentExecutions: 2 }),
    );
  });
  after(async () => {
    c.destroy();
    await app.close();
  });

  it('10 parallel RequestResponse invokes against reserved concurrency 2: 2 run, 8 get TooManyRequestsException (429)', async () => {
    const probe = concurrencyProbe(app, 'capped');
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) =>
        c.send(
          new InvokeCommand({
            FunctionName: 'capped',
            Payload: Buffer.from(JSON.stringify({ i, ms: 1500 })),
          }),
        ),
      ),
    );
    probe.stop();
    const ok = results.filter((r) => r.status === 'fulfilled');
    const throttled = results.filter((r) => r.status === 'rejected');
    assert.equal(ok.length, 2);
    assert.equal(throttled.length, 8);
    for (const t of throttled) {
      const err = (t as PromiseRejectedResult).reason as TooManyRequestsException;
      assert.ok(err instanceof TooManyRequestsException, String(err));
      assert.equal(err.$metadata.httpStatusCode, 429);
      assert.equal(err.Reason, 'ReservedFunctionConcurrentInvocationLimitExceeded');
      assert.equal(err.message, 'Rate Exceeded.');
    }
    assert.equal(probe.max(), 2);
  });

  it('10 Event invokes against reserved concurrency 2 are queued and all run, never more than 2 at once', async () => {
    const probe = concurrencyProbe(app, 'capped');
    const done = new Set<string>();
    const allDone = new Promise<void>((resolve) => {
      const on = (e: LambdaEvents['asyncDone'][0]): void => {
        if (e.functionName !== 'capped') return;
        assert.equal(e.outcome, 'success');
        done.add(e.requestId);
        if (done.size === 10) {
          app.lambda.events.off('asyncDone', on);
          resolve();
        }
      };
      app.lambda.events.on('asyncDone', on);
    });
    const accepted = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        c.send(
          new InvokeCommand({
            FunctionName: 'capped',
            InvocationType: 'Event',
            Payload: Buffer.from(JSON.stringify({ i, ms: 100 })),
          }),
        ),
      ),
    );
    for (const a of accepted) assert.equal(a.StatusCode, 202);
    await allDone;
    probe.stop();
    assert.deepEqual([...done].sort(), accepted.map((a) => a.$metadata.requestId!).sort());
    assert.equal(probe.max(), 2);
  });

  it('the invoker used by event source mappings is throttled by the same limit', async () => {
    const running = [
      c.send(new InvokeCommand({ FunctionName: 'capped', Payload: Buffer.from('{"ms":800}') })),
      c.send(new InvokeCommand({ FunctionName: 'capped', Payload: Buffer.from('{"ms":800}') })),
    ];
    await new Promise<void>((resolve) => {
      const on = (): void => {
        if (app.lambda.limiter.inFlight('capped') === 2) {
          app.lambda.events.off('invokeStart', on);
          resolve();
        }
      };
      app.lambda.events.on('invokeStart', on);
      on();
    });
    await assert.rejects(app.lambda.invoker.invoke('capped', Buffer.from('{}')), {
      name: 'TooManyRequestsException',
      extra: { Reason: 'ReservedFunctionConcurrentInvocationLimitExceeded' },
    });
    await Promise.all(running);
    const ok = await app.lambda.invoker.invoke('capped', Buffer.from('{"ms":1,"i":9}'));
    assert.equal(decode(ok.payload), 9);
  });

  it('reserved concurrency 0 throttles every synchronous invoke', async () => {
    await createNodeFunction(c, 'off', SLOW);
    await c.send(new PutFunctionConcurrencyCommand({ FunctionName: 'off', ReservedConcurrentExecutions: 0 }));
    await assert.rejects(
      c.send(new InvokeCommand({ FunctionName: 'off', Payload: Buffer.from('{"ms":1}') })),
      (e: Error) => e instanceof TooManyRequestsException,
    );
  });
});

describe('Lambda global concurrency limit', () => {
  it('beyond maxConcurrency a RequestResponse invoke is throttled with ConcurrentInvocationLimitExceeded', async () => {
    const app = await startTestServer({ lambda: { maxConcurrency: 3 } });
    const c = lambdaClient(app, 'default', 1);
    try {
      await createNodeFunction(c, 'a', SLOW, { Timeout: 30 });
      await createNodeFunction(c, 'b', SLOW, { Timeout: 30 });
      const results = await Promise.allSettled(
        ['a', 'a', 'b', 'b', 'b'].map((fn) =>
          c.send(new InvokeCommand({ FunctionName: fn, Payload: Buffer.from('{"ms":1500}') })),
        ),
      );
      const throttled = results
        .filter((r) => r.status === 'rejected')
        .map((r) => (r as PromiseRejectedResult).reason as TooManyRequestsException);
      assert.equal(results.length - throttled.length, 3);
      for (const t of throttled) assert.equal(t.Reason, 'ConcurrentInvocationLimitExceeded');
      assert.ok(app.lambda.fleet.workerCount <= 3);
    } finally {
      c.destroy();
      await app.close();
    }
  });
});
