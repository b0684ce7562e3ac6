import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import {
  DeleteFunctionConcurrencyCommand,
  InvalidParameterValueException,
  InvokeCommand,
  LambdaClient,
  PutFunctionConcurrencyCommand,
  TooManyRequestsException,
  type InvokeCommandOutput,
} from '@aws-sdk/client-lambda';
import type { App } from '../../src/app/app.js';
import type { LambdaEvents } from '../../src/lambda/lambda-events.js';
import {
  compileLambdaOptions,
  defaultMaxWorkers,
  type LambdaOptions,
} from '../../src/lambda/lambda-options.js';
import { ConfigError } from '../../src/server/config-error.js';
import { resolveConfig } from '../../src/app/config.js';
import { credentials, region, startTestServer } from '../harness/helpers.js';
import {
  createGated,
  createNodeFunction,
  decode,
  GATED,
  lambdaClient,
  type LambdaTransport,
} from './lambda-helpers.js';
import { runRefusedServer, spawnServer, stopServer } from '../harness/server-process.js';
import { Gate } from '../harness/gate.js';
import { hooks } from '../harness/hooks.js';

function invoke(c: LambdaClient, name: string, id: string, tail = false): Promise<InvokeCommandOutput> {
  return c.send(
    new InvokeCommand({
      FunctionName: name,
      Payload: Buffer.from(JSON.stringify({ id })),
      LogType: tail ? 'Tail' : undefined,
    }),
  );
}

/** Resolves once `n` invocations of `functionName` (any, when undefined) have been admitted. */
function admitted(app: App, n: number, functionName?: string): Promise<void> {
  let seen = 0;
  return new Promise((resolve) => {
    const on = (e: LambdaEvents['invokeStart'][0]): void => {
      if (functionName !== undefined && e.functionName !== functionName) return;
      if (++seen < n) return;
      hooks(app).lambdaEvents.off('invokeStart', on);
      resolve();
    };
    hooks(app).lambdaEvents.on('invokeStart', on);
  });
}

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

/**
 * A server with the given Lambda options and a single-attempt Lambda client on it, for one test: `fn` runs with them;
 * then both are closed and the gate holds handlers again, whatever `fn` did.
 */
async function withServer(
  gate: Gate,
  lambda: LambdaOptions | undefined,
  fn: (app: App, c: LambdaClient) => Promise<void>,
  transport: LambdaTransport = 'default',
): Promise<void> {
  const app = await startTestServer({ lambda });
  const c = lambdaClient(app, transport, 1);
  try {
    await fn(app, c);
  } finally {
    c.destroy();
    await app.close();
    gate.shut();
  }
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

function logOf(r: InvokeCommandOutput): string {
  return Buffer.from(r.LogResult ?? '', 'base64').toString('utf8');
}

/** `name{function_name="fn"} value` from the server's /metrics. */
async function metricValue(app: App, name: string, functionName: string): Promise<number | undefined> {
  const text = await app.metrics.metrics();
  const m = new RegExp(`^${name}\\{function_name="${functionName}"\\} (\\S+)$`, 'm').exec(text);
  return m ? Number(m[1]) : undefined;
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
  let app: App | undefined;
  let c: LambdaClient | undefined;
  before(async () => {
    app = await startTestServer();
    c = lambdaClient(app, transport, 1);
    await createGated(c, gate, 'capped');
    await c.send(
      new PutFunctionConcurrencyCommand({ FunctionName: 'capped', ReservedConcurrentExecutions: 2 }),
    );
    use({ app, c, gate });
  });
  after(async () => {
    c?.destroy();
    await app?.close();
  });
}

const TRANSPORTS: LambdaTransport[] = ['default', 'h1'];

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
    await withServer(gate, { accountConcurrency: 3 }, async (app, c) => {
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
    await withServer(gate, { accountConcurrency: 102, maxWorkers: 2 }, async (app, c) => {
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
    await withServer(gate, undefined, async (app, c) => {
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
    await withServer(gate, { accountConcurrency: 10 }, async (_small, s) => {
      await createGated(s, gate, 'f');
      await assert.rejects(
        s.send(new PutFunctionConcurrencyCommand({ FunctionName: 'f', ReservedConcurrentExecutions: 1 })),
        below(10),
      );
      await s.send(new PutFunctionConcurrencyCommand({ FunctionName: 'f', ReservedConcurrentExecutions: 0 }));
    });
  });
});

for (const transport of TRANSPORTS) {
  describe(`Lambda machine limit (${transport} HTTP handler)`, () => {
    const gate = Gate.forSuite();

    it('20 parallel invokes over 2 functions with --max-workers 4: all succeed, never more than 4 workers alive', async () => {
      const app = await startTestServer({ lambda: { maxWorkers: 4 } });
      const c = lambdaClient(app, transport, 1);
      // Sampled at every worker start, on top of the fleet's own high-water mark.
      let sampledMax = 0;
      const sample = (): void => {
        sampledMax = Math.max(sampledMax, hooks(app).fleet.aliveCount);
      };
      hooks(app).lambdaEvents.on('workerSpawn', sample);
      try {
        await createGated(c, gate, 'even');
        await createGated(c, gate, 'odd');
        const all = admitted(app, 20);
        const results = Promise.allSettled(
          Array.from({ length: 20 }, (_, i) => invoke(c, i % 2 === 0 ? 'even' : 'odd', `i${i}`)),
        );
        await all;
        await gate.reached(4);
        // 4 run, 16 wait for a worker: admitted (holding concurrency), never throttled.
        assert.equal(hooks(app).limiter.inFlight(), 20);
        assert.equal(hooks(app).fleet.aliveCount, 4);
        assert.equal(hooks(app).fleet.blockedCount, 16);
        gate.open();
        const settled = await results;
        const ids = settled.map((r) => {
          assert.equal(r.status, 'fulfilled', r.status === 'rejected' ? String(r.reason) : '');
          const out = (r as PromiseFulfilledResult<InvokeCommandOutput>).value;
          assert.equal(out.FunctionError, undefined);
          return (decode(out.Payload) as { id: string }).id;
        });
        assert.deepEqual(
          ids,
          Array.from({ length: 20 }, (_, i) => `i${i}`),
        );
        assert.ok(hooks(app).fleet.peakAlive <= 4, `fleet peak ${hooks(app).fleet.peakAlive}`);
        assert.ok(sampledMax <= 4, `sampled ${sampledMax}`);
        assert.equal(hooks(app).fleet.waitingCount, 0);
        const counts = [
          await metricValue(app, 'tributary_lambda_worker_wait_ms_count', 'even'),
          await metricValue(app, 'tributary_lambda_worker_wait_ms_count', 'odd'),
        ];
        assert.deepEqual(counts, [10, 10]);
        assert.ok((await metricValue(app, 'tributary_lambda_worker_wait_ms_sum', 'even'))! > 0);
      } finally {
        hooks(app).lambdaEvents.off('workerSpawn', sample);
        c.destroy();
        await app.close();
        gate.shut();
      }
    });
  });
}

describe('Lambda machine limit: order and timeouts', () => {
  const gate = Gate.forSuite();

  it('with one worker slot, waiting invocations start in arrival order across functions; REPORT shows the wait', async () => {
    await withServer(gate, { maxWorkers: 1 }, async (app, c) => {
      await createGated(c, gate, 'a');
      await createGated(c, gate, 'b');
      const start = gate.arrived.length;
      const first = invoke(c, 'a', 'a0');
      await gate.reached(start + 1);
      const queued: Array<Promise<InvokeCommandOutput>> = [];
      for (const [fn, id] of [
        ['b', 'b1'],
        ['a', 'a2'],
        ['b', 'b3'],
      ] as const) {
        const a = admitted(app, 1, fn);
        queued.push(invoke(c, fn, id, true));
        await a;
      }
      assert.equal(hooks(app).fleet.blockedCount, 3);
      gate.release('a0');
      await gate.reached(start + 2);
      gate.release('b1');
      await gate.reached(start + 3);
      gate.release('a2');
      await gate.reached(start + 4);
      gate.release('b3');
      assert.deepEqual(gate.arrived.slice(start), ['a0', 'b1', 'a2', 'b3']);
      assert.equal((await first).FunctionError, undefined);
      for (const r of await Promise.all(queued)) {
        assert.equal(r.FunctionError, undefined);
        assert.match(logOf(r), /\nREPORT RequestId: [^\n]*\tQueue Duration: [\d.]+ ms\t\n$/);
      }
      assert.ok(hooks(app).fleet.peakAlive <= 1, `peak ${hooks(app).fleet.peakAlive}`);
    });
  });

  it('an invocation that cannot get a worker within its timeout fails as a timeout (not 429); the rest run', async () => {
    await withServer(gate, { maxWorkers: 1 }, async (app, c) => {
      await createGated(c, gate, 'holder');
      await createGated(c, gate, 'quick', 1);
      const start = gate.arrived.length;
      const held = invoke(c, 'holder', 'h1');
      await gate.reached(start + 1);
      const before = Date.now();
      const late = await invoke(c, 'quick', 'q1', true);
      const waited = Date.now() - before;
      assert.equal(late.StatusCode, 200);
      assert.equal(late.FunctionError, 'Unhandled');
      const payload = decode(late.Payload) as { errorType: string; errorMessage: string };
      assert.equal(payload.errorType, 'Sandbox.Timedout');
      assert.equal(
        payload.errorMessage,
        `RequestId: ${late.$metadata.requestId} Error: Task timed out after 1.00 seconds`,
      );
      const log = logOf(late);
      assert.match(log, /Task timed out after 1\.00 seconds/);
      const report =
        /REPORT RequestId: [^\n]*\tStatus: timeout\tError Type: Sandbox\.Timedout\tQueue Duration: ([\d.]+) ms\t/.exec(
          log,
        );
      assert.ok(report, log);
      assert.ok(Number(report[1]) >= 999, report[1]);
      assert.ok(waited >= 999, String(waited));
      assert.equal(gate.arrived.length, start + 1, 'the timed-out invocation never ran');
      assert.equal(await metricValue(app, 'tributary_lambda_worker_wait_timeouts_total', 'quick'), 1);
      // The holder was never disturbed; once it is done, `quick` runs within its own full timeout.
      gate.release('h1');
      assert.equal((await held).FunctionError, undefined);
      const next = invoke(c, 'quick', 'q2');
      await gate.reached(start + 2);
      gate.release('q2');
      assert.equal((await next).FunctionError, undefined);
    });
  });
});

describe('Lambda limits: options, flags and environment', () => {
  it('defaults: account concurrency 1000; workers 4 per CPU, one per 256 MiB, at least 2', () => {
    const o = compileLambdaOptions();
    assert.equal(o.accountConcurrency, 1000);
    assert.equal(o.maxWorkers, defaultMaxWorkers());
    const GiB = 1024 ** 3;
    assert.equal(defaultMaxWorkers(2, 24 * GiB), 8);
    assert.equal(defaultMaxWorkers(16, 2 * GiB), 8);
    assert.equal(defaultMaxWorkers(1, 256 * 1024 ** 2), 2);
    for (const field of ['maxWorkers', 'accountConcurrency'] as const) {
      for (const bad of [0, -1, 1.5, Number.NaN]) {
        assert.throws(
          () => compileLambdaOptions({ [field]: bad }),
          (e: unknown) => e instanceof ConfigError && e.field === `lambda.${field}`,
        );
      }
    }
  });

  it('flags win over TRIBUTARY_* variables, which win over defaults', () => {
    const env = { TRIBUTARY_MAX_WORKERS: '5', TRIBUTARY_ACCOUNT_CONCURRENCY: '50' };
    assert.deepEqual(resolveConfig({}, env).lambda, { accountConcurrency: 50, maxWorkers: 5 });
    assert.deepEqual(resolveConfig({ maxWorkers: '3' }, env).lambda, {
      accountConcurrency: 50,
      maxWorkers: 3,
    });
    assert.equal(resolveConfig({}, {}).lambda, undefined, 'nothing set: the defaults');
  });

  it('`tributary up` applies --max-workers and TRIBUTARY_ACCOUNT_CONCURRENCY; a bad value is one line, exit 1', async () => {
    const env = { ...process.env, TRIBUTARY_MAX_WORKERS: '5', TRIBUTARY_ACCOUNT_CONCURRENCY: '7' };
    const server = await spawnServer(['--in-memory', '--max-workers', '3'], { env });
    const c = new LambdaClient({ endpoint: server.endpoint, region, credentials, maxAttempts: 1 });
    try {
      const metrics = await (await fetch(`${server.endpoint}/metrics`)).text();
      assert.match(metrics, /^tributary_lambda_max_workers 3$/m);
      // An account of 7 keeps all 7 unreserved.
      await createNodeFunction(c, 'f', GATED);
      await assert.rejects(
        c.send(new PutFunctionConcurrencyCommand({ FunctionName: 'f', ReservedConcurrentExecutions: 1 })),
        /below its minimum value of \[7\]\.$/,
      );
    } finally {
      c.destroy();
      assert.equal(await stopServer(server), 0);
    }
    const refused = await runRefusedServer(['--in-memory', '--max-workers', '0']);
    assert.equal(refused.code, 1);
    assert.equal(
      refused.stderr,
      'tributary: invalid --max-workers (TRIBUTARY_MAX_WORKERS): must be a positive integer, got "0"\n',
    );
    const badEnv = await runRefusedServer(['--in-memory'], {
      env: { ...process.env, TRIBUTARY_ACCOUNT_CONCURRENCY: 'lots' },
    });
    assert.equal(badEnv.code, 1);
    assert.equal(
      badEnv.stderr,
      'tributary: invalid --account-concurrency (TRIBUTARY_ACCOUNT_CONCURRENCY): must be a positive integer, ' +
        'got TRIBUTARY_ACCOUNT_CONCURRENCY="lots"\n',
    );
  });
});
