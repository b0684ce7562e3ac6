/**
 * Kinesis throughput: Tributary (durable lmdb, fsync'd before each response) against kinesalite, driven by the
 * same @aws-sdk/client-kinesis code. Measures PutRecords (500 x 100 B records per call, CALLERS concurrent callers)
 * and GetRecords (Limit 10000, one reader per shard over a pre-filled stream) for 1 and 4 shards.
 *
 * Each server runs in a worker thread of this process, so it has an event loop (and a core) of its own while the
 * client code runs on the main thread — as a server and its producers would be deployed. Only one server is under
 * load at a time. Each phase runs BENCH_ROUNDS times, interleaved across the servers, and the best round is
 * reported: on a shared machine this keeps another process's burst from being charged to one server only.
 *
 * The target's comparison (issue 2: "the same @aws-sdk/client-kinesis client (kinesalite needs an HTTP/1.1
 * handler)") is the tributary-h1 column: one client configuration against both servers. The tributary-h2 column
 * is the SDK's default handler, which opens a new HTTP/2 connection per request; it is printed beside it.
 *
 * Besides wall-clock throughput, the server's CPU time is measured (process CPU minus the client thread's), giving
 * records per server CPU-second: what one core can serve, which stays comparable when the machine is busy. The
 * server thread's event loop utilization is printed too: below 100% the server is waiting for its client.
 *
 * Knobs (env): BENCH_SECONDS (seconds per measured round, default 1), BENCH_ROUNDS (default 3),
 * BENCH_CALLERS (default 8), BENCH_SHARDS (default "1,4"), BENCH_PHASES (default "put,get"),
 * BENCH_TARGETS (default "tributary-h2,tributary-h1,kinesalite"), BENCH_SEMI_SPACE_MB (servers' V8 semi-space, default:
 * V8's own, 16 MB on 64-bit).
 */
import {
  CreateStreamCommand,
  DescribeStreamCommand,
  GetRecordsCommand,
  type GetRecordsCommandOutput,
  GetShardIteratorCommand,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { isMainThread } from 'node:worker_threads';
import {
  CALLERS,
  kinesisBenchClient,
  type Load,
  putLoad,
  RECORD_BYTES,
  RECORDS_PER_CALL,
} from './_kinesis-load.js';
import {
  type ListeningServer,
  serveInThread,
  startServerThread,
  tributaryServer,
  type ServerThread,
} from './_server-thread.js';

type ServerKind = 'tributary' | 'kinesalite';
interface WorkerInput {
  kind: ServerKind;
  dataDir?: string;
}

// ---------------------------------------------------------------------------------------------------------------
// Worker side: runs one server until told to close (_server-thread.ts).

async function serve(input: WorkerInput): Promise<ListeningServer> {
  // Defaults otherwise: durable lmdb, every write fsync'd before its response.
  if (input.kind === 'tributary') return tributaryServer(input.dataDir!);
  const require = createRequire(import.meta.url);
  // No `path`: kinesalite keeps its data in memdown (in memory), its default and its fastest mode.
  const kinesalite = require('kinesalite') as (o: Record<string, unknown>) => Server;
  const server = kinesalite({ createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0, shardLimit: 100 });
  // Node's 5 s default would close sockets the client still pools between rounds (ECONNRESET on reuse).
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Main side.

const SECONDS = Number(process.env.BENCH_SECONDS ?? 1);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const PHASES = (process.env.BENCH_PHASES ?? 'put,get').split(',');
const SHARD_COUNTS = (process.env.BENCH_SHARDS ?? '1,4').split(',').map(Number);
const SEMI_SPACE_MB = Number(process.env.BENCH_SEMI_SPACE_MB ?? 0);
const GET_LIMIT = 10_000;
/** Hard caps so a phase ends even if the clock check were never reached. */
const MAX_PUT_CALLS = 20_000;
const MAX_GET_CALLS = 20_000;
/** Each shard holds at least this many records before GetRecords is measured (full 10000-record pages). */
const MIN_RECORDS_PER_SHARD = 10_000;
const WARMUP_CALLS = 10;

interface Target {
  name: string;
  kind: ServerKind;
  transport: 'h2' | 'h1';
}
const ALL_TARGETS: Target[] = [
  { name: 'tributary-h2', kind: 'tributary', transport: 'h2' },
  { name: 'tributary-h1', kind: 'tributary', transport: 'h1' },
  // kinesalite speaks HTTP/1.1 only.
  { name: 'kinesalite', kind: 'kinesalite', transport: 'h1' },
];
const TARGET_NAMES = (process.env.BENCH_TARGETS ?? ALL_TARGETS.map((x) => x.name).join(',')).split(',');
const TARGETS = ALL_TARGETS.filter((t) => TARGET_NAMES.includes(t.name));

function startServer(kind: ServerKind): Promise<ServerThread> {
  // Both servers get the same heap settings: V8's defaults unless BENCH_SEMI_SPACE_MB raises the young generation
  // (what `node --max-semi-space-size` does for a process; the young generation is 3 semi-spaces).
  const resourceLimits = SEMI_SPACE_MB > 0 ? { maxYoungGenerationSizeMb: 3 * SEMI_SPACE_MB } : {};
  return startServerThread({
    benchUrl: import.meta.url,
    input: { kind } satisfies WorkerInput,
    resourceLimits,
    ...(kind === 'tributary' ? { dataDirPrefix: 'tributary-bench-' } : {}),
  });
}

async function createStream(k: KinesisClient, name: string, shards: number): Promise<string[]> {
  await k.send(new CreateStreamCommand({ StreamName: name, ShardCount: shards }));
  const deadline = Date.now() + 10_000;
  for (;;) {
    const d = await k.send(new DescribeStreamCommand({ StreamName: name }));
    if (d.StreamDescription?.StreamStatus === 'ACTIVE')
      return d.StreamDescription.Shards!.map((s) => s.ShardId!);
    if (Date.now() > deadline) throw new Error(`stream ${name} not ACTIVE after 10s`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function trimHorizon(k: KinesisClient, stream: string, shardId: string): Promise<string> {
  const r = await k.send(
    new GetShardIteratorCommand({ StreamName: stream, ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON' }),
  );
  return r.ShardIterator!;
}

/** One reader per shard, each looping GetRecords from TRIM_HORIZON to the end and over again. */
async function getLoad(k: KinesisClient, stream: string, shardIds: string[], seconds: number): Promise<Load> {
  let calls = 0;
  let records = 0;
  const end = performance.now() + seconds * 1000;
  await Promise.all(
    shardIds.map(async (shardId) => {
      let it = await trimHorizon(k, stream, shardId);
      while (performance.now() < end && calls < MAX_GET_CALLS) {
        calls++;
        const r = await k.send(new GetRecordsCommand({ ShardIterator: it, Limit: GET_LIMIT }));
        const n = r.Records?.length ?? 0;
        records += n;
        // A short page means the end of the shard: start over rather than ask for empty pages.
        it =
          n < GET_LIMIT || !r.NextShardIterator ? await trimHorizon(k, stream, shardId) : r.NextShardIterator;
      }
    }),
  );
  return { records, calls };
}

/** Records per shard up to MIN_RECORDS_PER_SHARD, counted by reading (exact and server-agnostic). */
async function shardSizes(k: KinesisClient, stream: string, shardIds: string[]): Promise<number[]> {
  return Promise.all(
    shardIds.map(async (shardId) => {
      let it: string | undefined = await trimHorizon(k, stream, shardId);
      let n = 0;
      for (let i = 0; it && i < 1000; i++) {
        const r: GetRecordsCommandOutput = await k.send(
          new GetRecordsCommand({ ShardIterator: it, Limit: GET_LIMIT }),
        );
        const got = r.Records?.length ?? 0;
        n += got;
        if (got === 0 || n >= MIN_RECORDS_PER_SHARD) break;
        it = r.NextShardIterator;
      }
      return n;
    }),
  );
}

// ---- CPU accounting ---------------------------------------------------------------------------------------------

const CLOCK_TICK_MS = 10; // Linux USER_HZ is 100 on every mainstream kernel.

/** CPU time of the calling thread (Linux: /proc/thread-self/stat utime + stime), in ms; NaN elsewhere. */
function threadCpuMs(): number {
  try {
    const stat = readFileSync('/proc/thread-self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * CLOCK_TICK_MS;
  } catch {
    return NaN;
  }
}

interface Mark {
  wall: number;
  processCpu: number;
  clientCpu: number;
}
function mark(): Mark {
  const u = process.cpuUsage();
  return { wall: performance.now(), processCpu: (u.user + u.system) / 1000, clientCpu: threadCpuMs() };
}

interface Sample {
  /** Records per wall-clock second. */
  rps: number;
  /** Records per second of server CPU time (process CPU minus the client thread's). */
  rpcs: number;
  calls: number;
  /** Server CPU time / wall time (1 = one core busy). */
  serverCores: number;
  clientCores: number;
  /** Share of the round the server's JS thread (event loop) was busy. */
  serverLoop: number;
}

function sample(load: Load, from: Mark): Sample {
  const to = mark();
  const wall = to.wall - from.wall;
  const client = to.clientCpu - from.clientCpu;
  const server = to.processCpu - from.processCpu - client;
  return {
    rps: (load.records / wall) * 1000,
    rpcs: server > 0 ? (load.records / server) * 1000 : NaN,
    calls: load.calls,
    serverCores: server / wall,
    clientCores: client / wall,
    serverLoop: NaN,
  };
}

// ---- phases -----------------------------------------------------------------------------------------------------

/** One target's stream for one shard count. */
interface Lane {
  target: Target;
  k: KinesisClient;
  stream: string;
  shardIds: string[];
}

/** Runs `phase` ROUNDS times on every lane, interleaved (A B C, B C A, ...), keeping each lane's best round. */
async function rounds(lanes: Lane[], phase: (l: Lane) => Promise<Load>): Promise<Map<Lane, Sample>> {
  const best = new Map<Lane, Sample>();
  for (let r = 0; r < ROUNDS; r++) {
    for (let i = 0; i < lanes.length; i++) {
      const lane = lanes[(i + r) % lanes.length]!;
      const server = SERVER_OF.get(lane.target.name)!;
      const loop = server.loopBusy();
      const from = mark();
      const s = sample(await phase(lane), from);
      s.serverLoop = server.loopBusy(loop).utilization;
      const prev = best.get(lane);
      if (!prev || s.rps > prev.rps) best.set(lane, { ...s, rpcs: Math.max(s.rpcs, prev?.rpcs ?? 0) });
      else if (s.rpcs > prev.rpcs) prev.rpcs = s.rpcs;
    }
  }
  return best;
}

interface Result {
  target: string;
  shards: number;
  put?: Sample;
  get?: Sample;
}

async function benchShards(shards: number, clients: Map<string, KinesisClient>): Promise<Result[]> {
  const lanes: Lane[] = [];
  for (const target of TARGETS) {
    const k = clients.get(target.name)!;
    const stream = `bench-${target.name}-${shards}`;
    lanes.push({ target, k, stream, shardIds: await createStream(k, stream, shards) });
  }
  for (const l of lanes) await putLoad(l.k, l.stream, 30, WARMUP_CALLS);
  const puts = PHASES.includes('put')
    ? await rounds(lanes, (l) => putLoad(l.k, l.stream, SECONDS, MAX_PUT_CALLS))
    : new Map<Lane, Sample>();
  if (PHASES.includes('get')) {
    // Top up so every shard has full pages to read (slower servers wrote less during the put rounds).
    for (const l of lanes) {
      for (let i = 0; i < 20; i++) {
        const missing = MIN_RECORDS_PER_SHARD - Math.min(...(await shardSizes(l.k, l.stream, l.shardIds)));
        if (missing <= 0) break;
        await putLoad(l.k, l.stream, 30, Math.ceil((missing * shards) / RECORDS_PER_CALL) + CALLERS);
      }
      await getLoad(l.k, l.stream, l.shardIds, 0.3); // warm-up
    }
  }
  const gets = PHASES.includes('get')
    ? await rounds(lanes, (l) => getLoad(l.k, l.stream, l.shardIds, SECONDS))
    : new Map<Lane, Sample>();
  return lanes.map((l) => {
    const r: Result = { target: l.target.name, shards, put: puts.get(l), get: gets.get(l) };
    const show = (name: string, s: Sample | undefined): string =>
      s
        ? `${name} ${fmt(s.rps)} rec/s, ${fmt(s.rpcs)} rec/server-cpu-s (${s.calls} calls; ` +
          `server ${s.serverCores.toFixed(2)} cores (event loop ${(100 * s.serverLoop).toFixed(0)}% busy), ` +
          `client ${s.clientCores.toFixed(2)})`
        : '';
    console.log(
      `${r.target.padEnd(13)} shards=${shards}  ${show('PutRecords', r.put)}  ${show('GetRecords', r.get)}`,
    );
    return r;
  });
}

function fmt(n: number): string {
  return Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'n/a';
}

function ratio(a: number | undefined, b: number | undefined): string {
  return a !== undefined && b !== undefined && b > 0 && Number.isFinite(a / b)
    ? `${(a / b).toFixed(1)}x`
    : 'n/a';
}

function table(results: Result[]): {
  lines: string[];
  worstWall: { h1: number; h2: number };
  worstCpu: { h1: number; h2: number };
} {
  const find = (target: string, shards: number): Result | undefined =>
    results.find((r) => r.target === target && r.shards === shards);
  const lines = [
    '| shards | metric | Tributary HTTP/2 | Tributary HTTP/1.1 | kinesalite (HTTP/1.1) | h2 / kinesalite | h1 / kinesalite |',
    '|---:|---|---:|---:|---:|---:|---:|',
  ];
  // Lowest ratios per Tributary transport: h1 is the target's comparison (the same client, with the HTTP/1.1
  // handler kinesalite needs); h2 is the SDK's default handler against kinesalite's HTTP/1.1.
  const worstWall = { h1: Infinity, h2: Infinity };
  const worstCpu = { h1: Infinity, h2: Infinity };
  const metrics: Array<[string, (r: Result) => number | undefined, (n: number) => string, 'wall' | 'cpu']> = [
    ['PutRecords records/s', (r) => r.put?.rps, fmt, 'wall'],
    ['PutRecords MB/s', (r) => r.put && (r.put.rps * RECORD_BYTES) / 1e6, (n) => n.toFixed(2), 'wall'],
    ['GetRecords records/s', (r) => r.get?.rps, fmt, 'wall'],
    ['PutRecords records per server CPU-s', (r) => r.put?.rpcs, fmt, 'cpu'],
    ['GetRecords records per server CPU-s', (r) => r.get?.rpcs, fmt, 'cpu'],
  ];
  for (const shards of SHARD_COUNTS) {
    const h2 = find('tributary-h2', shards);
    const h1 = find('tributary-h1', shards);
    const kl = find('kinesalite', shards);
    for (const [metric, val, show, kind] of metrics) {
      const v = (r: Result | undefined): number | undefined => (r ? val(r) : undefined);
      if ([h2, h1, kl].every((r) => v(r) === undefined)) continue;
      const cell = (r: Result | undefined): string => (v(r) === undefined ? 'n/a' : show(v(r)!));
      lines.push(
        `| ${shards} | ${metric} | ${cell(h2)} | ${cell(h1)} | ${cell(kl)} | ${ratio(v(h2), v(kl))} | ${ratio(v(h1), v(kl))} |`,
      );
      for (const [transport, r] of [
        ['h2', h2],
        ['h1', h1],
      ] as const) {
        const a = v(r);
        const b = v(kl);
        if (a === undefined || b === undefined || !(b > 0) || !Number.isFinite(a / b)) continue;
        const worst = kind === 'wall' ? worstWall : worstCpu;
        worst[transport] = Math.min(worst[transport], a / b);
      }
    }
  }
  return { lines, worstWall, worstCpu };
}

/** Each target's server (two targets share Tributary's). */
const SERVER_OF = new Map<string, ServerThread>();

async function main(): Promise<void> {
  console.log(
    `Kinesis bench: PutRecords ${RECORDS_PER_CALL} x ${RECORD_BYTES} B per call, ${CALLERS} callers; ` +
      `GetRecords Limit ${GET_LIMIT}, 1 reader per shard; best of ${ROUNDS} interleaved ${SECONDS}s rounds.\n` +
      `Tributary: durable lmdb, fsync'd before each response. kinesalite: memdown (in memory). ` +
      `Server heap: ${SEMI_SPACE_MB > 0 ? `${SEMI_SPACE_MB} MB semi-space` : "V8's default semi-space"}.`,
  );
  const servers = new Map<ServerKind, ServerThread>();
  const clients = new Map<string, KinesisClient>();
  const results: Result[] = [];
  const started = performance.now();
  try {
    for (const t of TARGETS) {
      if (!servers.has(t.kind)) servers.set(t.kind, await startServer(t.kind));
      clients.set(t.name, kinesisBenchClient(servers.get(t.kind)!.endpoint, t.transport));
      SERVER_OF.set(t.name, servers.get(t.kind)!);
    }
    for (const shards of SHARD_COUNTS) results.push(...(await benchShards(shards, clients)));
  } finally {
    for (const k of clients.values()) k.destroy();
    for (const s of servers.values()) await s.close();
  }
  const { lines, worstWall, worstCpu } = table(results);
  console.log('\n' + lines.join('\n') + '\n');
  const show = (label: string, wall: number, cpu: number): void => {
    if (Number.isFinite(wall))
      console.log(`${label}: ${wall.toFixed(1)}x wall clock, ${cpu.toFixed(1)}x per server CPU-second`);
  };
  show(
    'lowest Tributary/kinesalite ratio, same client and handler (SDK + HTTP/1.1; the target, >= 5x)',
    worstWall.h1,
    worstCpu.h1,
  );
  show(
    "lowest Tributary/kinesalite ratio, Tributary over the SDK's default HTTP/2 handler, kinesalite over HTTP/1.1",
    worstWall.h2,
    worstCpu.h2,
  );
  console.log(`kinesis bench took ${((performance.now() - started) / 1000).toFixed(0)}s`);
}

/** Whatever happens (a server that never answers), the bench ends. */
const WATCHDOG_MS = 5 * 60_000;

if (isMainThread) {
  setTimeout(() => {
    console.error(`kinesis bench: still running after ${WATCHDOG_MS / 1000}s, giving up`);
    process.exit(1);
  }, WATCHDOG_MS).unref();
  // The SDK's "Node 20 support ends" notice is not a benchmark result.
  process.removeAllListeners('warning');
  process.on('warning', (w) => {
    if (!w.message.includes('NodeVersionSupportWarning')) console.warn(w);
  });
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
} else {
  serveInThread(serve);
}
