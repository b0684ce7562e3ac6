// The machine limit (--max-workers: workers alive, the order and timeouts of waiting invocations) and the options
// that set the Lambda limits; split from lambda-concurrency.test.ts, which keeps the AWS concurrency limits.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import {
  LambdaClient,
  PutFunctionConcurrencyCommand,
  type InvokeCommandOutput,
} from '@aws-sdk/client-lambda';
import { compileLambdaOptions, defaultMaxWorkers } from '../../src/lambda/lambda-options.js';
import { ConfigError } from '../../src/server/config-error.js';
import { resolveConfig } from '../../src/app/config.js';
import { clientConfig, startTestServer } from '../harness/helpers.js';
import { createGated, createNodeFunction, decode, GATED, lambdaClient, logOf } from './lambda-helpers.js';
import { runRefusedServer, spawnServer, stopServer } from '../harness/server-process.js';
import { Gate } from '../harness/gate.js';
import { admitted, invoke, metricValue, onTestServer, TRANSPORTS } from './concurrency-helpers.js';
import { hooks } from '../harness/hooks.js';

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
    await onTestServer(gate, { maxWorkers: 1 }, async (app, c) => {
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
    await onTestServer(gate, { maxWorkers: 1 }, async (app, c) => {
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
    const c = new LambdaClient(clientConfig(server, 'default', { maxAttempts: 1 }));
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
