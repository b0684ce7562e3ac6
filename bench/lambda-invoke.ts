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
import { CreateFunctionCommand, InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { Agent } from 'node:http';
import { cpus, loadavg } from 'node:os';
import yazl from 'yazl';
import { startApp } from '../src/app/app.js';
import type { LambdaEvents } from '../src/lambda/lambda-events.js';
import { hooks } from '../test/harness/hooks.js';

const WARM = Number(process.env['BENCH_WARM'] ?? 3000);
const COLD = Number(process.env['BENCH_COLD'] ?? 12);
const ROLE = 'arn:aws:iam::000000000000:role/bench';
const NOOP = 'export const handler = async () => null;';

async function zip(source: string): Promise<Buffer> {
  const z = new yazl.ZipFile();
  z.addBuffer(Buffer.from(source), 'index.mjs');
  z.end();
  const chunks: Buffer[] = [];
  for await (const c of z.outputStream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!;
}

interface Row {
  what: string;
  n: number;
  p50: number;
  p99: number;
  extra: string;
}

async function timeEach(
  n: number,
  fn: () => Promise<unknown>,
): Promise<{ sorted: number[]; cpuUsPerOp: number }> {
  const out: number[] = [];
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn();
    out.push(performance.now() - t);
  }
  const cpu = process.cpuUsage(cpu0);
  return { sorted: out.sort((a, b) => a - b), cpuUsPerOp: (cpu.user + cpu.system) / n };
}

async function main(): Promise<void> {
  const app = await startApp({ port: 0, inMemory: true, transitionDelayMs: 0, logLevel: 'silent' });
  const client = new LambdaClient({
    endpoint: app.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    requestHandler: new NodeHttpHandler({ httpAgent: new Agent({ keepAlive: true, maxSockets: 1 }) }),
  });
  const rows: Row[] = [];
  try {
    const code = await zip(NOOP);
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
    // with every worker spawned from scratch (spareWorkers 0, measured on a second server below).
    const spare = await coldStarts(app, client, code, payload, 'cold-', async () => {
      // Deploys are not back to back: let the spare replaced by the previous cold start finish booting.
      const deadline = Date.now() + 5000;
      while (hooks(app).fleet.bootedSpares === 0 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 5));
    });
    rows.push(...coldRows('cold start, spare runtime adopted (default)', spare));
  } finally {
    client.destroy();
    await app.close();
  }

  const fresh = await startApp({
    port: 0,
    inMemory: true,
    transitionDelayMs: 0,
    logLevel: 'silent',
    lambda: { spareWorkers: 0 },
  });
  const freshClient = new LambdaClient({
    endpoint: fresh.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  });
  try {
    const code = await zip(NOOP);
    const r = await coldStarts(fresh, freshClient, code, Buffer.from('{}'), 'fresh-', async () => undefined);
    rows.push(...coldRows('cold start, new process (spareWorkers 0)', r));
  } finally {
    freshClient.destroy();
    await fresh.close();
  }
  printTable(rows);
}

interface ColdRun {
  cold: number[];
  init: number[];
}

async function coldStarts(
  app: Awaited<ReturnType<typeof startApp>>,
  client: LambdaClient,
  code: Buffer,
  payload: Buffer,
  prefix: string,
  before: () => Promise<void>,
): Promise<ColdRun> {
  const cold: number[] = [];
  const init: number[] = [];
  const onEnd = (e: LambdaEvents['invokeEnd'][0]): void => {
    if (e.initDurationMs !== undefined && e.functionName.startsWith(prefix)) init.push(e.initDurationMs);
  };
  hooks(app).lambdaEvents.on('invokeEnd', onEnd);
  for (let i = 0; i < COLD; i++) {
    const name = `${prefix}${i}`;
    await client.send(
      new CreateFunctionCommand({
        FunctionName: name,
        Runtime: 'nodejs20.x',
        Handler: 'index.handler',
        Role: ROLE,
        Code: { ZipFile: code },
      }),
    );
    await before();
    const t = performance.now();
    await app.lambda.invoke(name, payload);
    cold.push(performance.now() - t);
  }
  hooks(app).lambdaEvents.off('invokeEnd', onEnd);
  return { cold: cold.sort((a, b) => a - b), init: init.sort((a, b) => a - b) };
}

function coldRows(what: string, r: ColdRun): Row[] {
  return [
    {
      what,
      n: r.cold.length,
      p50: pct(r.cold, 50),
      p99: pct(r.cold, 99),
      extra: `min ${r.cold[0]!.toFixed(1)} ms`,
    },
    {
      what: '  of which Init Duration',
      n: r.init.length,
      p50: pct(r.init, 50),
      p99: pct(r.init, 99),
      extra: `min ${r.init[0]!.toFixed(1)} ms`,
    },
  ];
}

function printTable(rows: Row[]): void {
  const w = Math.max(...rows.map((r) => r.what.length));
  console.log(
    `# Lambda invoke (node ${process.version}, ${cpus().length} CPUs, load avg ${loadavg()[0]!.toFixed(2)})`,
  );
  console.log(
    `${'measurement'.padEnd(w)} | ${'n'.padStart(5)} | ${'p50 ms'.padStart(8)} | ${'p99 ms'.padStart(8)} | notes`,
  );
  console.log(`${'-'.repeat(w)}-|-------|----------|----------|------`);
  for (const r of rows) {
    console.log(
      `${r.what.padEnd(w)} | ${String(r.n).padStart(5)} | ${r.p50.toFixed(3).padStart(8)} | ${r.p99.toFixed(3).padStart(8)} | ${r.extra}`,
    );
  }
  console.log('targets: warm server-side p50 < 1 ms; cold start < 150 ms');
}

await main();
