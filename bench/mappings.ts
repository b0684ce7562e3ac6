// Event source mapping benchmarks (issue 4): put-to-invoke latency, throughput to a no-op handler, and the idle
// cost of many mappings. The peer is AWS itself, which polls each shard about once a second (doc: "Lambda polls
// shards in your data stream for records at a base rate of once per second"), so its put-to-invoke latency is
// ~1000 ms at p50; there is no local peer that runs Kinesis mappings with real functions to run beside us.
import { CreateStreamCommand, KinesisClient, PutRecordCommand } from '@aws-sdk/client-kinesis';
import { CreateEventSourceMappingCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { once } from 'node:events';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApp, type App } from '../src/app/app.js';
import { clientConfig } from '../test/harness/helpers.js';
import { hooks } from '../test/harness/hooks.js';
import { createBenchFunction, delivered, mappingThroughput } from './_mapping-bench.js';

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function latency(app: App, k: KinesisClient, l: LambdaClient): Promise<void> {
  const out = join(mkdtempSync(join(tmpdir(), 'bench-lat-')), 'starts.txt');
  await createBenchFunction(
    l,
    'lat',
    `import { appendFileSync } from 'node:fs';
export const handler = async (e) => { appendFileSync(process.env.OUT, Date.now() + '\\n'); };`,
    { OUT: out },
  );
  await k.send(new CreateStreamCommand({ StreamName: 'lat', ShardCount: 1 }));
  const m = await l.send(
    new CreateEventSourceMappingCommand({
      FunctionName: 'lat',
      EventSourceArn: hooks(app).streams.get('lat').arn,
      StartingPosition: 'LATEST',
    }),
  );
  while (hooks(app).mappings.get(m.UUID!).State !== 'Enabled') await once(hooks(app).mappings, 'state');
  const fromResponse: number[] = [];
  const fromRequest: number[] = [];
  const n = 300;
  for (let i = 0; i < n + 20; i++) {
    const sent = Date.now();
    await k.send(new PutRecordCommand({ StreamName: 'lat', Data: Buffer.from(`r${i}`), PartitionKey: 'k' }));
    const acked = Date.now();
    await delivered(app, m.UUID!, i + 1);
    const starts = readFileSync(out, 'utf8').trim().split('\n');
    const start = Number(starts[starts.length - 1]);
    if (i >= 20) {
      // The first 20 warm the worker and the JIT.
      fromResponse.push(Math.max(0, start - acked));
      fromRequest.push(start - sent);
    }
  }
  fromResponse.sort((a, b) => a - b);
  fromRequest.sort((a, b) => a - b);
  console.log('\n## Put-to-invoke latency, window 0, 1 shard (ms; Date.now() resolution)');
  console.log('| measure | p50 | p99 | target | AWS (polls ~1/s) |');
  console.log('|---|---|---|---|---|');
  console.log(
    `| PutRecord response -> handler start | ${pct(fromResponse, 50)} | ${pct(fromResponse, 99)} | p50 < 10, p99 < 50 | ~1000 |`,
  );
  console.log(
    `| PutRecord request -> handler start | ${pct(fromRequest, 50)} | ${pct(fromRequest, 99)} | | |`,
  );
}

async function throughput(
  app: App,
  k: KinesisClient,
  l: LambdaClient,
  batchSize: number,
  total: number,
): Promise<void> {
  const t = await mappingThroughput(app, k, l, { name: `tp${batchSize}`, batchSize, total });
  console.log(
    `| ${batchSize} | 4 | ${total} | ${t.rps.toFixed(0)} | ${t.sustained.toFixed(0)} | ${t.batches} | ${t.cores.toFixed(2)} | >= 100000 |`,
  );
}

async function idle(app: App, k: KinesisClient, l: LambdaClient): Promise<void> {
  await createBenchFunction(l, 'idle', 'export const handler = async () => {};');
  const count = 200;
  for (let i = 0; i < count; i++) {
    await k.send(new CreateStreamCommand({ StreamName: `idle-${i}`, ShardCount: 1 }));
    await l.send(
      new CreateEventSourceMappingCommand({
        FunctionName: 'idle',
        EventSourceArn: hooks(app).streams.get(`idle-${i}`).arn,
        StartingPosition: 'LATEST',
      }),
    );
  }
  while (
    hooks(app)
      .mappings.list()
      .some((m) => m.State !== 'Enabled')
  )
    await once(hooks(app).mappings, 'state');
  // The first second after Enabled holds the mappings' start-up work (first reads, first checkpoints): it is
  // printed on its own, and the idle cost is measured over the 5 s after it.
  const cpuShare = async (ms: number): Promise<number> => {
    const cpu0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    await new Promise((r) => setTimeout(r, ms));
    const cpu = process.cpuUsage(cpu0);
    const secs = Number(process.hrtime.bigint() - t0) / 1e9;
    return ((cpu.user + cpu.system) / 1e6 / secs) * 100;
  };
  const startup = await cpuShare(1000);
  const share = await cpuShare(5000);
  console.log('\n## Idle cost');
  console.log(
    '| mappings | idle shards | server CPU over 5 s, after 1 s of start-up | start-up second | target |',
  );
  console.log('|---|---|---|---|---|');
  console.log(`| ${count} | ${count} | ${share.toFixed(2)}% of one core | ${startup.toFixed(2)}% | < 2% |`);
}

const app = await startApp({
  port: 0,
  dataDir: mkdtempSync(join(tmpdir(), 'bench-map-')),
  transitionDelayMs: 0,
  logLevel: 'silent',
});
const k = new KinesisClient(clientConfig(app));
const l = new LambdaClient(clientConfig(app));
// `BENCH_PARTS=idle npm run bench -- mappings` runs some parts only (latency, throughput, idle).
const parts = new Set((process.env['BENCH_PARTS'] ?? 'latency,throughput,idle').split(','));
try {
  if (parts.has('latency')) await latency(app, k, l);
  if (parts.has('throughput')) {
    console.log(
      '\n## Throughput to a no-op handler (durable lmdb, fsync on; records/s from mapping creation to last batch)',
    );
    console.log(
      '| BatchSize | shards | records | records/s | sustained records/s (last 3/4) | batches | server CPU (cores) | target |',
    );
    console.log('|---|---|---|---|---|---|---|---|');
    await throughput(app, k, l, 100, 200_000);
    await throughput(app, k, l, 1000, 400_000);
  }
  if (parts.has('idle')) await idle(app, k, l);
} finally {
  k.destroy();
  l.destroy();
  await app.close();
}
