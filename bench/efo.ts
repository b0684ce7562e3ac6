/**
 * Enhanced fan-out: put-to-event latency through SubscribeToShard and pushed throughput per shard, measured
 * with @aws-sdk/client-kinesis over its default HTTP/2 handler (as a real consumer would).
 *
 * The server runs in a worker thread (an event loop and a core of its own, like a deployed server); producer
 * and subscriber run on the main thread. Stores: `lmdb` (durable, each put fsync'd before it is readable, the
 * default deployment) and `memory` (`--in-memory`).
 *
 * - latency: one PutRecord at a time; the time from just before `send()` to the moment the subscriber's
 *   `for await` yields the event holding that record (p50/p99/max). The PutRecord round trip is shown beside it,
 *   and "event-ack": event arrival minus the put's response (negative = the event came first) — what fan-out
 *   itself adds, since a record is pushed only once it is durable, as its put is answered.
 * - live push: CALLERS producers loop PutRecords (500 x 100 B) for BENCH_SECONDS while one subscriber reads
 *   the shard; records/s and MB/s pushed to the subscriber.
 * - catch-up: a shard pre-filled with CATCHUP_RECORDS is read from TRIM_HORIZON; records/s and MB/s.
 *
 * Knobs (env): BENCH_SAMPLES (latency samples, default 1000), BENCH_SECONDS (live push, default 3),
 * BENCH_CALLERS (default 4), BENCH_CATCHUP (records, default 200000), BENCH_STORES (default "memory,lmdb").
 * Run: `npx tsx bench/efo.ts` (or `npm run bench -- efo`).
 */
import {
  CreateStreamCommand,
  DescribeStreamCommand,
  KinesisClient,
  PutRecordCommand,
  PutRecordsCommand,
  RegisterStreamConsumerCommand,
  SubscribeToShardCommand,
  type SubscribeToShardEventStream,
} from '@aws-sdk/client-kinesis';
import { performance } from 'node:perf_hooks';
import { isMainThread } from 'node:worker_threads';
import { putBatch, RECORD_BYTES } from './_kinesis-load.js';
import { serveInThread, startServerThread, tributaryServer, type ServerThread } from './_server-thread.js';

type Store = 'memory' | 'lmdb';

// ---------------------------------------------------------------------------------------------------------------
// Main side.

const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 1000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const CALLERS = Number(process.env.BENCH_CALLERS ?? 4);
const CATCHUP_RECORDS = Number(process.env.BENCH_CATCHUP ?? 200_000);
const STORES = (process.env.BENCH_STORES ?? 'memory,lmdb').split(',') as Store[];
const WARMUP = 50;

function startServer(store: Store): Promise<ServerThread> {
  return startServerThread({
    benchUrl: import.meta.url,
    input: { store },
    ...(store === 'lmdb' ? { dataDirPrefix: 'tributary-bench-efo-' } : {}),
  });
}

function client(endpoint: string): KinesisClient {
  return new KinesisClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
    maxAttempts: 1,
  });
}

interface Setup {
  shardId: string;
  consumerArn: string;
}

async function setup(k: KinesisClient, stream: string): Promise<Setup> {
  await k.send(new CreateStreamCommand({ StreamName: stream, ShardCount: 1 }));
  const d = await k.send(new DescribeStreamCommand({ StreamName: stream }));
  const c = await k.send(
    new RegisterStreamConsumerCommand({ StreamARN: d.StreamDescription!.StreamARN!, ConsumerName: 'bench' }),
  );
  return { shardId: d.StreamDescription!.Shards![0]!.ShardId!, consumerArn: c.Consumer!.ConsumerARN! };
}

async function subscribe(
  k: KinesisClient,
  s: Setup,
  type: 'LATEST' | 'TRIM_HORIZON',
): Promise<AsyncIterator<SubscribeToShardEventStream>> {
  const res = await k.send(
    new SubscribeToShardCommand({
      ConsumerARN: s.consumerArn,
      ShardId: s.shardId,
      StartingPosition: { Type: type },
    }),
  );
  return res.EventStream![Symbol.asyncIterator]();
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

interface LatencyResult {
  p50: number;
  p99: number;
  max: number;
  putP50: number;
  putP99: number;
  /** Event arrival minus the put's own response: what fan-out adds once the record is durable. */
  afterAckP50: number;
}

/** One record in flight at a time: put-to-event latency and the PutRecord round trip. */
async function latency(k: KinesisClient, stream: string, s: Setup): Promise<LatencyResult> {
  const it = await subscribe(k, s, 'LATEST');
  await it.next(); // the first (empty) event
  const toEvent: number[] = [];
  const putRtt: number[] = [];
  const afterAck: number[] = [];
  for (let i = 0; i < WARMUP + SAMPLES; i++) {
    const tag = `r${i}`;
    const t0 = performance.now();
    const put = k
      .send(new PutRecordCommand({ StreamName: stream, PartitionKey: 'p', Data: Buffer.from(tag) }))
      .then(() => performance.now());
    let arrived: number | undefined;
    while (arrived === undefined) {
      const r = await it.next();
      if (r.done) throw new Error('subscription ended');
      const recs = r.value.SubscribeToShardEvent?.Records ?? [];
      if (recs.some((x) => Buffer.from(x.Data!).toString() === tag)) arrived = performance.now();
    }
    const putDone = await put;
    if (i >= WARMUP) {
      toEvent.push(arrived - t0);
      putRtt.push(putDone - t0);
      afterAck.push(arrived - putDone);
    }
  }
  await it.return?.();
  toEvent.sort((a, b) => a - b);
  putRtt.sort((a, b) => a - b);
  afterAck.sort((a, b) => a - b);
  return {
    p50: percentile(toEvent, 50),
    p99: percentile(toEvent, 99),
    max: toEvent.at(-1)!,
    putP50: percentile(putRtt, 50),
    putP99: percentile(putRtt, 99),
    afterAckP50: percentile(afterAck, 50),
  };
}

interface Rate {
  records: number;
  seconds: number;
}

/** Reads events until `count` records arrived or `until` (ms, performance clock) passed. */
async function drain(
  it: AsyncIterator<SubscribeToShardEventStream>,
  count: number,
  until: number,
): Promise<{ records: number; last: number }> {
  let records = 0;
  let last = performance.now();
  while (records < count && performance.now() < until) {
    const r = await it.next();
    if (r.done) break;
    const n = r.value.SubscribeToShardEvent?.Records?.length ?? 0;
    if (n > 0) {
      records += n;
      last = performance.now();
    }
  }
  return { records, last };
}

/** Producers write while one subscriber reads; rate of records pushed to the subscriber. */
async function livePush(k: KinesisClient, stream: string, s: Setup): Promise<Rate> {
  const it = await subscribe(k, s, 'LATEST');
  await it.next();
  let put = 0;
  let calls = 0;
  const start = performance.now();
  const end = start + SECONDS * 1000;
  const producers = Promise.all(
    Array.from({ length: CALLERS }, async () => {
      while (performance.now() < end) {
        const batch = putBatch(calls++);
        const r = await k.send(new PutRecordsCommand({ StreamName: stream, Records: batch }));
        put += batch.length - (r.FailedRecordCount ?? 0);
      }
    }),
  );
  // Reads until everything put has arrived (the count is known once the producers stop). Every await here is
  // on the event stream, which yields at least a heartbeat every 5 s, so the deadline is checked.
  let got = 0;
  let last = start;
  let producing = true;
  void producers.then(() => (producing = false));
  const deadline = end + 60_000;
  while (producing || got < put) {
    if (performance.now() > deadline) break;
    const r = await it.next();
    if (r.done) break;
    const n = r.value.SubscribeToShardEvent?.Records?.length ?? 0;
    if (n > 0) {
      got += n;
      last = performance.now();
    }
  }
  await producers;
  await it.return?.();
  if (got !== put) throw new Error(`pushed ${got} of ${put} records`);
  return { records: got, seconds: (last - start) / 1000 };
}

/** A pre-filled shard read from TRIM_HORIZON. */
async function catchUp(k: KinesisClient, stream: string, s: Setup): Promise<Rate> {
  let written = 0;
  let calls = 0;
  await Promise.all(
    Array.from({ length: CALLERS }, async () => {
      while (written < CATCHUP_RECORDS) {
        const batch = putBatch(calls++);
        written += batch.length;
        await k.send(new PutRecordsCommand({ StreamName: stream, Records: batch }));
      }
    }),
  );
  const start = performance.now();
  const it = await subscribe(k, s, 'TRIM_HORIZON');
  const d = await drain(it, written, start + 120_000);
  await it.return?.();
  if (d.records !== written) throw new Error(`caught up ${d.records} of ${written} records`);
  return { records: d.records, seconds: (d.last - start) / 1000 };
}

function fmt(n: number, digits = 2): string {
  return n.toFixed(digits);
}

async function main(): Promise<void> {
  console.log(
    `# EFO bench: ${SAMPLES} latency samples, live push ${SECONDS}s x ${CALLERS} producers (500 x ${RECORD_BYTES} B), catch-up ${CATCHUP_RECORDS} records`,
  );
  const rows: string[][] = [];
  for (const store of STORES) {
    const server = await startServer(store);
    const k = client(server.endpoint);
    try {
      console.log(`# ${store}: latency`);
      const lat = await latency(k, 'lat', await setup(k, 'lat'));
      console.log(`# ${store}: live push`);
      const live = await livePush(k, 'live', await setup(k, 'live'));
      console.log(`# ${store}: catch-up`);
      const cu = await catchUp(k, 'catchup', await setup(k, 'catchup'));
      const mb = (r: Rate): string => fmt((r.records * RECORD_BYTES) / r.seconds / 1e6);
      rows.push([
        store,
        fmt(lat.p50),
        fmt(lat.p99),
        fmt(lat.max),
        fmt(lat.putP50),
        fmt(lat.putP99),
        fmt(lat.afterAckP50),
        String(Math.round(live.records / live.seconds)),
        mb(live),
        String(Math.round(cu.records / cu.seconds)),
        mb(cu),
      ]);
    } finally {
      k.destroy();
      await server.close();
    }
  }
  const header = [
    'store',
    'put->event p50 ms',
    'p99 ms',
    'max ms',
    'PutRecord rtt p50 ms',
    'rtt p99 ms',
    'event-ack p50 ms',
    'live push rec/s',
    'live MB/s',
    'catch-up rec/s',
    'catch-up MB/s',
  ];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string =>
    '| ' + cells.map((c, i) => c.padStart(widths[i]!)).join(' | ') + ' |';
  console.log(line(header));
  console.log('|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|');
  for (const r of rows) console.log(line(r));
  console.log('# target: put->event p50 < 5 ms (AWS documents ~70 ms for enhanced fan-out)');
}

if (isMainThread) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
} else {
  serveInThread((input: { dataDir?: string }) => tributaryServer(input.dataDir));
}
