/**
 * What the Lambda benches share (bench/lambda-invoke.ts, bench/lambda-python.ts): zipping a handler, timing a
 * loop, cold starts of fresh functions, and the result table. Files starting with `_` are not run as benches.
 */
import { CreateFunctionCommand, LambdaClient, type LambdaClientConfig } from '@aws-sdk/client-lambda';
import { cpus, loadavg } from 'node:os';
import { startApp, type App } from '../src/app/app.js';
import type { LambdaOptions } from '../src/lambda/lambda-options.js';
import type { LambdaEvents } from '../src/lambda/lambda-events.js';
import { clientConfig } from '../test/harness/helpers.js';
import { hooks } from '../test/harness/hooks.js';
import { makeZip } from '../test/lambda/lambda-helpers.js';

export const ROLE = 'arn:aws:iam::000000000000:role/bench';

/** A Lambda bench's server (in memory, silent) with `lambda` options, and a Lambda client on it; `close` ends both. */
export async function lambdaBenchServer(
  lambda: LambdaOptions = {},
  requestHandler?: LambdaClientConfig['requestHandler'],
): Promise<{ app: App; client: LambdaClient; close(): Promise<void> }> {
  const app = await startApp({ port: 0, inMemory: true, transitionDelayMs: 0, logLevel: 'silent', lambda });
  const client = new LambdaClient({
    ...clientConfig(app),
    ...(requestHandler === undefined ? {} : { requestHandler }),
  });
  return {
    app,
    client,
    async close() {
      client.destroy();
      await app.close();
    },
  };
}
export const COLD = Number(process.env['BENCH_COLD'] ?? 12);

/** A handler, its file name in the zip, and the function fields that run it. */
export interface BenchHandler {
  runtime: 'nodejs20.x' | 'python3.11';
  handler: string;
  file: string;
  source: string;
}

export const NODE_NOOP: BenchHandler = {
  runtime: 'nodejs20.x',
  handler: 'index.handler',
  file: 'index.mjs',
  source: 'export const handler = async () => null;',
};

export const PYTHON_NOOP: BenchHandler = {
  runtime: 'python3.11',
  handler: 'lambda_function.lambda_handler',
  file: 'lambda_function.py',
  source: 'def lambda_handler(event, context):\n    return None\n',
};

export function zip(file: string, source: string): Promise<Buffer> {
  return makeZip({ [file]: source });
}

export function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!;
}

/** Creates the function `name` running the bench handler `fn`. */
export async function createBenchFunction(
  client: LambdaClient,
  name: string,
  fn: BenchHandler,
): Promise<void> {
  await client.send(
    new CreateFunctionCommand({
      FunctionName: name,
      Runtime: fn.runtime,
      Handler: fn.handler,
      Role: ROLE,
      Code: { ZipFile: await zip(fn.file, fn.source) },
    }),
  );
}

export interface Row {
  what: string;
  n: number;
  p50: number;
  p99: number;
  extra: string;
}

export async function timeEach(
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

export interface ColdRun {
  cold: number[];
  init: number[];
}

export async function coldStarts(
  app: App,
  client: LambdaClient,
  fn: BenchHandler,
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
    await createBenchFunction(client, name, fn);
    await before();
    const t = performance.now();
    await app.lambda.invoke(name, payload);
    cold.push(performance.now() - t);
  }
  hooks(app).lambdaEvents.off('invokeEnd', onEnd);
  return { cold: cold.sort((a, b) => a - b), init: init.sort((a, b) => a - b) };
}

/**
 * The rows of a cold-start run: none when it measured nothing (`BENCH_COLD=0` skips cold starts), and no Init
 * Duration row when no worker reported one (there is no percentile of nothing to print).
 */
export function coldRows(what: string, r: ColdRun): Row[] {
  const rows: Row[] = [];
  const [coldMin] = r.cold;
  if (coldMin === undefined) return rows;
  rows.push({
    what,
    n: r.cold.length,
    p50: pct(r.cold, 50),
    p99: pct(r.cold, 99),
    extra: `min ${coldMin.toFixed(1)} ms`,
  });
  const [initMin] = r.init;
  if (initMin !== undefined)
    rows.push({
      what: '  of which Init Duration',
      n: r.init.length,
      p50: pct(r.init, 50),
      p99: pct(r.init, 99),
      extra: `min ${initMin.toFixed(1)} ms`,
    });
  return rows;
}

export function printTable(rows: Row[], title = 'Lambda invoke'): void {
  const w = Math.max(...rows.map((r) => r.what.length));
  console.log(
    `# ${title} (node ${process.version}, ${cpus().length} CPUs, load avg ${loadavg()[0]!.toFixed(2)})`,
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
