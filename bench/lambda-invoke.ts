/**
 * Lambda invoke overhead and cold start.
 *
 * - warm, server side: `app.lambda.invoke()` (what the Invoke API and event source mappings call) on a
 *   no-op Node.js handler whose worker is already running. This is the whole cost Tributary adds to a warm
 *   invocation: admission, hand-off over the Runtime API to the worker process and back, platform log lines.
 * - warm, over HTTP: the same through @aws-sdk/client-lambda on a kept-alive HTTP/1.1 connection.
 * - cold start: the first invoke of a freshly created function (process spawn, Node.js start, bootstrap,
 *   handler import, the invocation itself), and the Init Duration the worker reported.
 *
 * Run: npx tsx bench/lambda-invoke.ts   (env BENCH_WARM=N invokes, BENCH_COLD=N functions)
 */
import { CreateFunctionCommand, InvokeCommand } from '@aws-sdk/client-lambda';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { Agent } from 'node:http';
import { hooks } from '../test/harness/hooks.js';
import {
  COLD,
  coldRows,
  coldStarts,
  NODE_NOOP,
  pct,
  printTable,
  ROLE,
  timeEach,
  zip,
  type Row,
  lambdaBenchServer,
} from './_lambda-bench.js';

const WARM = Number(process.env['BENCH_WARM'] ?? 3000);

async function main(): Promise<void> {
  const { app, client, close } = await lambdaBenchServer(
    {},
    new NodeHttpHandler({ httpAgent: new Agent({ keepAlive: true, maxSockets: 1 }) }),
  );
  const rows: Row[] = [];
  try {
    const code = await zip(NODE_NOOP.file, NODE_NOOP.source);
    await client.send(
      new CreateFunctionCommand({
        FunctionName: 'noop',
        Runtime: 'nodejs20.x',
        Handler: 'index.handler',
        Role: ROLE,
        Code: { ZipFile: code },
      }),
    );
    const payload = Buffer.from('{}');

    // Warm up the worker and the JIT on both paths.
    for (let i = 0; i < 300; i++) await app.lambda.invoke('noop', payload);
    for (let i = 0; i < 100; i++)
      await client.send(new InvokeCommand({ FunctionName: 'noop', Payload: payload }));

    const direct = await timeEach(WARM, () => app.lambda.invoke('noop', payload));
    rows.push({
      what: 'warm invoke, server side (no-op handler)',
      n: WARM,
      p50: pct(direct.sorted, 50),
      p99: pct(direct.sorted, 99),
      extra: `server CPU ${direct.cpuUsPerOp.toFixed(0)} us/invoke (main process)`,
    });
    const http = await timeEach(WARM, () =>
      client.send(new InvokeCommand({ FunctionName: 'noop', Payload: payload })),
    );
    rows.push({
      what: 'warm Invoke over HTTP/1.1 (SDK client, same process)',
      n: WARM,
      p50: pct(http.sorted, 50),
      p99: pct(http.sorted, 99),
      extra: `client+server CPU ${http.cpuUsPerOp.toFixed(0)} us/invoke`,
    });

    // Cold starts: one new function each, first invoke. With a spare runtime waiting (the default), and
    // with every worker spawned from scratch (spareWorkers 0, measured on a second server below). BENCH_COLD=0
    // measures the warm paths only.
    if (COLD > 0) {
      const spare = await coldStarts(app, client, NODE_NOOP, payload, 'cold-', async () => {
        // Deploys are not back to back: let the spare replaced by the previous cold start finish booting.
        const deadline = Date.now() + 5000;
        while (hooks(app).fleet.bootedSpares === 0 && Date.now() < deadline)
          await new Promise((r) => setTimeout(r, 5));
      });
      rows.push(...coldRows('cold start, spare runtime adopted (default)', spare));
    }
  } finally {
    await close();
  }

  if (COLD === 0) {
    printTable(rows);
    return;
  }
  const fresh = await lambdaBenchServer({ spareWorkers: 0 });
  try {
    const r = await coldStarts(
      fresh.app,
      fresh.client,
      NODE_NOOP,
      Buffer.from('{}'),
      'fresh-',
      async () => undefined,
    );
    rows.push(...coldRows('cold start, new process (spareWorkers 0)', r));
  } finally {
    await fresh.close();
  }
  printTable(rows);
}

await main();
