// Worker lifetimes: idle workers are reaped, new functions adopt pre-started spare runtimes (split from
// lambda-invoke.test.ts, which keeps what one invocation does).
import { strict as assert } from 'node:assert';
import { once } from 'node:events';
import { describe, it } from 'node:test';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import type { LambdaEvents } from '../../src/lambda/lambda-events.js';
import { waitFor } from '../harness/helpers.js';
import { createNodeFunction, decode, lambdaTestServer } from './lambda-helpers.js';
import { hooks } from '../harness/hooks.js';

describe('Lambda idle workers', () => {
  it('a worker idle longer than idleTimeoutMs is reaped, and the next invoke cold-starts', async () => {
    await using server = await lambdaTestServer({ lambda: { idleTimeoutMs: 150 } });
    const { app, c } = server;
    await createNodeFunction(c, 'brief', `export const handler = async () => process.pid;`);
    const exited = once(hooks(app).lambdaEvents, 'workerExit');
    const first = decode((await c.send(new InvokeCommand({ FunctionName: 'brief' }))).Payload);
    const [exit] = (await exited) as LambdaEvents['workerExit'];
    assert.equal(exit.reason, 'idle');
    assert.equal(hooks(app).fleet.workerCount, 0);
    const second = decode((await c.send(new InvokeCommand({ FunctionName: 'brief' }))).Payload);
    assert.notEqual(second, first);
  });
});

describe('Lambda spare runtimes', () => {
  it('a new function adopts a pre-started runtime with only its own environment; NODE_* settings get a fresh process', async () => {
    await using server = await lambdaTestServer();
    const { app, c } = server;
    const probe = `import http from 'node:http';
      export const handler = async () => ({
        env: Object.keys(process.env).sort(), mine: process.env.MINE ?? null, cwd: process.cwd(), root: process.env.LAMBDA_TASK_ROOT,
        heap: process.execArgv.find((a) => a.startsWith('--max-old-space-size')), maxHeader: http.maxHeaderSize, pid: process.pid,
      });`;
    type Probe = {
      env: string[];
      mine: string | null;
      cwd: string;
      root: string;
      heap: string;
      maxHeader: number;
      pid: number;
    };
    await createNodeFunction(c, 'first', probe);
    const first = decode((await c.send(new InvokeCommand({ FunctionName: 'first' }))).Payload) as Probe;
    // The first cold start asked for a spare of its MemorySize; wait for it to finish starting.
    await waitFor(() => hooks(app).fleet.bootedSpares === 1, 10_000, 'a booted spare');
    const sparePids = new Set(
      hooks(app)
        .fleet.spares()
        .map((s) => s.pid),
    );
    await createNodeFunction(c, 'second', probe, { Environment: { Variables: { MINE: 'second' } } });
    const second = decode((await c.send(new InvokeCommand({ FunctionName: 'second' }))).Payload) as Probe;
    assert.ok(sparePids.has(second.pid), 'the second function runs in the spare');
    assert.notEqual(second.pid, first.pid);
    assert.equal(second.mine, 'second');
    assert.equal(second.cwd, second.root);
    assert.equal(second.heap, '--max-old-space-size=115');
    assert.ok(!second.env.includes('TRIBUTARY_SPARE'));
    // Exactly the variables a freshly spawned worker gets, plus the function's own.
    assert.deepEqual(
      second.env.filter((k) => k !== 'MINE' && k !== '_X_AMZN_TRACE_ID'),
      first.env.filter((k) => k !== '_X_AMZN_TRACE_ID'),
    );
    await waitFor(() => hooks(app).fleet.bootedSpares === 1, 10_000, 'the spare to be replaced');
    await createNodeFunction(c, 'node-opts', probe, {
      Environment: { Variables: { NODE_OPTIONS: '--max-http-header-size=12345' } },
    });
    const opts = decode((await c.send(new InvokeCommand({ FunctionName: 'node-opts' }))).Payload) as Probe;
    assert.equal(opts.maxHeader, 12345);
    assert.ok(!sparePids.has(opts.pid));
    assert.equal(hooks(app).fleet.bootedSpares, 1, 'the spare was left for a function that can use it');
  });
});
