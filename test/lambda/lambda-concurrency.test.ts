import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import {
  DeleteFunctionConcurrencyCommand,
  InvalidParameterValueException,
  InvokeCommand,
  LambdaClient,
  PutFunctionConcurrencyCommand,
  TooManyRequestsException,
} from '@aws-sdk/client-lambda';
import type { App } from '../../src/app/app.js';
import type { LambdaEvents } from '../../src/lambda/lambda-events.js';
import { withTestServer } from '../harness/helpers.js';
import { createGated, decode, lambdaClient, type LambdaTransport } from './lambda-helpers.js';
import { Gate } from '../harness/gate.js';
import { admitted, invoke, onTestServer, TRANSPORTS } from './concurrency-helpers.js';
import { hooks } from '../harness/hooks.js';

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
  hooks(app).lambdaEvents.on('invokeStart', start);
  hooks(app).lambdaEvents.on('invokeEnd', end);
  return {
    max: () => max,
    stop: () => {
      hooks(app).lambdaEvents.off('invokeStart', start);
      hooks(app).lambdaEvents.off('invokeEnd', end);
    },
  };
}

async function assertThrottled(p: Promise<unknown>, reason: string): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof TooManyRequestsException, String(err));
    assert.equal(err.$metadata.httpStatusCode, 429);
    assert.equal(err.Reason, reason);
    assert.equal(err.message, 'Rate Exceeded.');
    return true;
  });
}

/**
 * For the enclosing suite: a gate, a server and a Lambda client on it with the gated function `capped` and its
 * reserved concurrency of 2, handed to `use` once they run; stopped after the suite. The client makes one attempt:
 * a throttle must be seen as the TooManyRequestsException it is, not retried by the SDK.
 */
function withCappedFunction(
  transport: LambdaTransport,
  use: (s: { app: App; c: LambdaClient; gate: Gate }) => void,
): void {
  const gate = Gate.forSuite();
  withTestServer(
    {},
    (app) => ({ c: lambdaClient(app, transport, 1) }),
    async (app, { c }) => {
      await createGated(c, gate, 'capped');
      await c.send(
        new PutFunctionConcurrencyCommand({ FunctionName: 'capped', ReservedConcurrentExecutions: 2 }),
      );
      use({ app, c, gate });
    },
  );
}

for (const transport of TRANSPORTS) {
  describe(`Lambda reserved concurrency (${transport} HTTP handler)`, () => {
    let app: App;
    let c: LambdaClient;
    let gate: Gate;
    withCappedFunction(transport, (s) => ({ app, c, gate } = s));

    it('with 2 reserved, the third parallel RequestResponse invoke is throttled (429, ReservedFunctionConcurrentInvocationLimitExceeded)', async () => {
      const probe = concurrencyProbe(app, 'capped');
      const running = [invoke(c, 'capped', 'r1'), invoke(c, 'capped', 'r2')];
      await gate.reached(2);
      await assertThrottled(invoke(c, 'capped', 'r3'), 'ReservedFunctionConcurrentInvocationLimitExceeded');
      gate.release('r1');
      gate.release('r2');
      const done = await Promise.all(running);
      assert.deepEqual(
        done.map((r) => (decode(r.Payload) as { id: string }).id),
        ['r1', 'r2'],
      );
      probe.stop();
      assert.equal(probe.max(), 2);
      // A slot is free again.
      const next = invoke(c, 'capped', 'r4');
      await gate.reached(3);
      gate.release('r4');
      assert.equal((decode((await next).Payload) as { id: string }).id, 'r4');
    });
  });
}

describe('Lambda reserved concurrency: Event invokes, mappings, 0', () => {
  let app: App;
  let c: LambdaClient;
  let gate: Gate;
  withCappedFunction('default', (s) => ({ app, c, gate } = s));

  it('10 Event invokes against reserved concurrency 2 are queued and all run, never more than 2 at once', async () => {
    const probe = concurrencyProbe(app, 'capped');
    const done = new Set<string>();
    const allDone = new Promise<void>((resolve) => {
      const on = (e: LambdaEvents['asyncDone'][0]): void => {
        if (e.functionName !== 'capped') return;
        assert.equal(e.outcome, 'success');
        done.add(e.requestId);
        if (done.size === 10) {
          hooks(app).lambdaEvents.off('asyncDone', on);
          resolve();
        }
      };
      hooks(app).lambdaEvents.on('asyncDone', on);
    });
    const accepted = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        c.send(
          new InvokeCommand({
            FunctionName: 'capped',
            InvocationType: 'Event',
            Payload: Buffer.from(JSON.stringify({ id: `e${i}` })),
          }),
        ),
      ),
    );
    for (const a of accepted) assert.equal(a.StatusCode, 202);
    await gate.reached(2);
    assert.equal(hooks(app).limiter.inFlight('capped'), 2);
    assert.equal(hooks(app).asyncInvocations.queued('capped'), 8);
    gate.open();
    await allDone;
    probe.stop();
    assert.deepEqual([...done].sort(), accepted.map((a) => a.$metadata.requestId!).sort());
    assert.equal(probe.max(), 2);
  });

  it('the invoker used by event source mappings is throttled by the same limit', async () => {
    gate.shut();
    const start = gate.arrived.length;
    const running = [
      app.lambda.invoke('capped', Buffer.from('{"id":"m1"}')),
      app.lambda.invoke('capped', Buffer.from('{"id":"m2"}')),
    ];
    await gate.reached(start + 2);
    await assert.rejects(app.lambda.invoke('capped', Buffer.from('{"id":"m3"}')), {
      name: 'TooManyRequestsException',
      extra: { Reason: 'ReservedFunctionConcurrentInvocationLimitExceeded' },
    });
    gate.open();
    for (const r of await Promise.all(running)) assert.equal(r.functionError, undefined);
  });

  it('reserved concurrency 0 throttles every synchronous invoke', async () => {
    await createGated(c, gate, 'off');
    await c.send(new PutFunctionConcurrencyCommand({ FunctionName: 'off', ReservedConcurrentExecutions: 0 }));
    await assertThrottled(invoke(c, 'off', 'x'), 'ReservedFunctionConcurrentInvocationLimitExceeded');
  });
});

describe('Lambda account concurrency', () => {
  const gate = Gate.forSuite();

  it('an account concurrency of 3 throttles the 4th invoke running anywhere (ConcurrentInvocationLimitExceeded)', async () => {
    await onTestServer(gate, { accountConcurrency: 3 }, async (app, c) => {
      await createGated(c, gate, 'a');
      await createGated(c, gate, 'b');
      const start = gate.arrived.length;
      const running = [invoke(c, 'a', 'a1'), invoke(c, 'a', 'a2'), invoke(c, 'b', 'b1')];
      await gate.reached(start + 3);
      await assertThrottled(invoke(c, 'b', 'b2'), 'ConcurrentInvocationLimitExceeded');
      await assertThrottled(invoke(c, 'a', 'a3'), 'ConcurrentInvocationLimitExceeded');
      assert.equal(hooks(app).limiter.limit, 3);
      gate.release('a1');
      await running[0];
      // One slot is free again, for any function.
      const next = invoke(c, 'b', 'b3');
      await gate.reached(start + 4);
      gate.release('a2');
      gate.release('b1');
      gate.release('b3');
      for (const r of [...(await Promise.all(running)), await next]) assert.equal(r.FunctionError, undefined);
    });
  });

  it('reserved concurrency is set aside: other functions share the rest, and 100 must stay unreserved', async () => {
    // 102 = 2 reserved for `r` + the 100 AWS keeps unreserved. Two worker processes: the other 98 admitted
    // invocations wait for a worker, still holding their concurrency.
    await onTestServer(gate, { accountConcurrency: 102, maxWorkers: 2 }, async (app, c) => {
      await createGated(c, gate, 'u');
      await createGated(c, gate, 'r');
      await createGated(c, gate, 'other');
      await c.send(new PutFunctionConcurrencyCommand({ FunctionName: 'r', ReservedConcurrentExecutions: 2 }));
      await assert.rejects(
        c.send(new PutFunctionConcurrencyCommand({ FunctionName: 'other', ReservedConcurrentExecutions: 1 })),
        (err: unknown) => {
          assert.ok(err instanceof InvalidParameterValueException, String(err));
          assert.equal(err.$metadata.httpStatusCode, 400);
          assert.equal(
            err.message,
            "Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [100].",
          );
          return true;
        },
      );
      const start = gate.arrived.length;
      const all = admitted(app, 100, 'u');
      const fill = Array.from({ length: 100 }, (_, i) =>
        app.lambda.invoke('u', Buffer.from(JSON.stringify({ id: `u${i}` }))),
      );
      await all;
      await gate.reached(start + 2);
      assert.equal(hooks(app).limiter.inFlight('u'), 100);
      assert.equal(hooks(app).fleet.blockedCount, 98);
      // The unreserved pool (102 - 2) is full...
      await assertThrottled(invoke(c, 'u', 'u-extra'), 'ConcurrentInvocationLimitExceeded');
      await assertThrottled(invoke(c, 'other', 'o1'), 'ConcurrentInvocationLimitExceeded');
      // ...but `r` still has its own 2.
      const reserved = [invoke(c, 'r', 'r1'), invoke(c, 'r', 'r2')];
      await admitted(app, 2, 'r');
      await assertThrottled(invoke(c, 'r', 'r3'), 'ReservedFunctionConcurrentInvocationLimitExceeded');
      gate.open();
      for (const r of await Promise.all(fill)) assert.equal(r.functionError, undefined);
      for (const r of await Promise.all(reserved)) assert.equal(r.FunctionError, undefined);
      assert.ok(hooks(app).fleet.peakAlive <= 2, `peak ${hooks(app).fleet.peakAlive}`);
    });
  });

  it('PutFunctionConcurrency keeps min(100, account concurrency) unreserved; a decrease always passes', async () => {
    const below = (min: number) => (err: unknown) => {
      assert.ok(err instanceof InvalidParameterValueException, String(err));
      assert.match(err.message, new RegExp(`below its minimum value of \\[${min}\\]\\.$`));
      return true;
    };
    await onTestServer(gate, undefined, async (app, c) => {
      const put = (FunctionName: string, n: number): Promise<unknown> =>
        c.send(new PutFunctionConcurrencyCommand({ FunctionName, ReservedConcurrentExecutions: n }));
      await createGated(c, gate, 'f');
      await createGated(c, gate, 'g');
      await put('f', 900);
      await assert.rejects(put('g', 1), below(100));
      await assert.rejects(put('f', 901), below(100));
      await put('f', 899);
      await put('g', 1);
      await assert.rejects(put('g', 2), below(100));
      await c.send(new DeleteFunctionConcurrencyCommand({ FunctionName: 'f' }));
      await put('g', 900);
    });
    // A small account (AWS gives new accounts 10): nothing can be reserved above 0.
    await onTestServer(gate, { accountConcurrency: 10 }, async (_small, s) => {
      await createGated(s, gate, 'f');
      await assert.rejects(
        s.send(new PutFunctionConcurrencyCommand({ FunctionName: 'f', ReservedConcurrentExecutions: 1 })),
        below(10),
      );
      await s.send(new PutFunctionConcurrencyCommand({ FunctionName: 'f', ReservedConcurrentExecutions: 0 }));
    });
  });
});
