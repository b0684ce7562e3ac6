/**
 * Python functions beside Node.js ones, measured the same way on one server under the same load:
 *
 * - warm, server side: `app.lambda.invoke()` on a no-op handler whose worker runs (python3.11 through our
 *   python-bootstrap.py; nodejs20.x through node-bootstrap.mjs): what Tributary adds to a warm invocation.
 * - cold start: the first invoke of a freshly created function, every worker a new process (spareWorkers 0), and
 *   with a pre-started runtime of its kind adopted (the default); the Init Duration the worker reported.
 *
 * Run: npm run bench -- lambda-python   (env BENCH_WARM=N invokes, BENCH_COLD=N functions). Needs python3.
 */
import { hooks } from '../test/harness/hooks.js';
import {
  createBenchFunction,
  coldRows,
  type BenchHandler,
  coldStarts,
  NODE_NOOP,
  pct,
  printTable,
  PYTHON_NOOP,
  timeEach,
  type Row,
  lambdaBenchServer,
} from './_lambda-bench.js';

const WARM = Number(process.env['BENCH_WARM'] ?? 3000);

async function main(): Promise<void> {
  const { app, client, close } = await lambdaBenchServer({ spareWorkers: 0 });
  const rows: Row[] = [];
  const payload = Buffer.from('{}');
  try {
    for (const fn of [PYTHON_NOOP, NODE_NOOP] satisfies BenchHandler[]) {
      const name = `warm-${fn.runtime.replace('.', '')}`;
      await createBenchFunction(client, name, fn);
      for (let i = 0; i < 300; i++) await app.lambda.invoke(name, payload);
      const warm = await timeEach(WARM, () => app.lambda.invoke(name, payload));
      rows.push({
        what: `${fn.runtime}: warm invoke, server side (no-op handler)`,
        n: WARM,
        p50: pct(warm.sorted, 50),
        p99: pct(warm.sorted, 99),
        extra: `server CPU ${warm.cpuUsPerOp.toFixed(0)} us/invoke (main process)`,
      });
    }
    for (const fn of [PYTHON_NOOP, NODE_NOOP]) {
      const prefix = `cold-${fn.runtime.replace('.', '')}-`;
      const r = await coldStarts(app, client, fn, payload, prefix, async () => undefined);
      rows.push(...coldRows(`${fn.runtime}: cold start, new process`, r));
    }
  } finally {
    await close();
  }
  // With pre-started runtimes (the default): a new function adopts a spare of its kind.
  const spared = await lambdaBenchServer();
  try {
    for (const fn of [PYTHON_NOOP, NODE_NOOP]) {
      const prefix = `spare-${fn.runtime.replace('.', '')}-`;
      const r = await coldStarts(spared.app, spared.client, fn, payload, prefix, async () => {
        // Deploys are not back to back: let the spare replaced by the previous cold start finish booting.
        const deadline = Date.now() + 5000;
        while (hooks(spared.app).fleet.bootedSpares < 1 && Date.now() < deadline)
          await new Promise((resolve) => setTimeout(resolve, 5));
      });
      rows.push(...coldRows(`${fn.runtime}: cold start, spare runtime adopted (default)`, r));
    }
  } finally {
    await spared.close();
  }
  printTable(rows, 'Lambda invoke, Python beside Node.js');
}

await main();
