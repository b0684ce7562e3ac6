// Runs the real Mappings component and the real StreamRegistry in process, on virtual time, with a fake function
// and a fake on-failure destination, and checks every invoke against the reference model (engine-model.ts).
import { randomUUID } from 'node:crypto';

import { KinesisEvents } from '../../src/kinesis/kinesis-events.js';
import { StreamRegistry } from '../../src/kinesis/stream-registry.js';
import { withFanOut } from '../../src/kinesis/fan-out/fan-out.js';
import { testIterators } from '../kinesis/kinesis-fixtures.js';
import type { FunctionInvoker, InvokeResult } from '../../src/lambda/invoker.js';
import { lambdaRestService } from '../../src/lambda/rest-service.js';
import type { MappingEvents } from '../../src/mappings/engine/events.js';
import { Mappings } from '../../src/mappings/mappings.js';
import type { MappingMeta } from '../../src/mappings/model.js';
import type { AppContext } from '../../src/server/context.js';

import { AwsError } from '../../src/server/errors.js';
import type { ApiResponse } from '../../src/server/http-types.js';

import { MemoryStore } from '../../src/store/memory-store.js';
import type { Store } from '../../src/store/store.js';
import { EngineModel, type MappingSetup, type Op } from './engine-model.js';
import { testAppContext } from '../harness/app-context.js';
import { VirtualClock } from '../harness/virtual-clock.js';
import { prng } from '../harness/prng.js';

const STREAM = 'model';
const FUNCTION_ARN = 'arn:aws:lambda:us-east-1:000000000000:function:model-fn';
const DLQ = 'arn:aws:sqs:us-east-1:000000000000:model-dlq';

/** A store whose writes stop reaching the real store once the process that owns it "crashed". */
function crashable(store: Store): { store: Store; crash: () => void } {
  let dead = false;
  const writes = new Set<string | symbol>(['putDoc', 'deleteDoc', 'append', 'trim', 'remove', 'dropLog']);
  const s = new Proxy(store, {
    get(target, name) {
      const v: unknown = Reflect.get(target, name, target);
      if (typeof v !== 'function') return v;
      const f = (v as (...a: unknown[]) => unknown).bind(target);
      return writes.has(name) ? (...a: unknown[]) => (dead ? new Promise(() => undefined) : f(...a)) : f;
    },
  });
  return { store: s, crash: () => (dead = true) };
}

interface Instance {
  mappings: Mappings;
  crash: () => void;
  dead: boolean;
}

/** What a run covered (printed by the soak and asserted to be non-trivial by the test). */
export interface Coverage {
  ops: Record<string, number>;
  invokes: number;
  failedInvokes: number;
  throttles: number;
  discards: number;
  restarts: number;
  generations: number;
}

export class InProcessEngine {
  readonly clock = new VirtualClock();
  readonly model = new EngineModel();
  readonly store = new MemoryStore();
  readonly events = new KinesisEvents();
  readonly streams: StreamRegistry;
  readonly #ctx: AppContext;
  readonly #random: () => number;
  #instance: Instance | undefined;
  #uuid = '';
  #failPct = 0;
  #throttlePct = 0;
  #rbif = false;
  readonly coverage: Coverage = {
    ops: {},
    invokes: 0,
    failedInvokes: 0,
    throttles: 0,
    discards: 0,
    restarts: 0,
    generations: 1,
  };
  readonly bugs: string[] = [];

  constructor(seed: number) {
    this.#random = prng(seed);
    this.#ctx = testAppContext(this.store);
    this.streams = new StreamRegistry(this.#ctx, this.events, this.clock);
  }

  get gen(): number {
    return this.streams.get(STREAM).createdAt;
  }

  async setup(s: MappingSetup): Promise<void> {
    await this.streams.create(STREAM, s.shards, 'PROVISIONED');
    this.#rbif = s.reportBatchItemFailures;
    await this.#boot();
    const res = await this.#api('POST', '', {
      FunctionName: FUNCTION_ARN,
      EventSourceArn: this.streams.get(STREAM).arn,
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: s.batchSize,
      ParallelizationFactor: s.parallelization,
      MaximumRetryAttempts: s.maxRetries,
      BisectBatchOnFunctionError: s.bisect,
      TumblingWindowInSeconds: s.tumblingS,
      MaximumBatchingWindowInSeconds: s.windowS,
      FunctionResponseTypes: s.reportBatchItemFailures ? ['ReportBatchItemFailures'] : [],
      DestinationConfig: { OnFailure: { Destination: DLQ } },
    });
    this.#uuid = (res as { UUID: string }).UUID;
    await this.#settleState();
  }

  /** Starts a Mappings component on the shared store, as a server process would. */
  async #boot(): Promise<void> {
    const { store, crash } = crashable(this.store);
    const ctx: AppContext = { ...this.#ctx, store };
    const instance: Instance = { mappings: undefined as unknown as Mappings, crash, dead: false };
    const kinesis = withFanOut({
      app: ctx,
      streams: this.streams,
      events: this.events,
      iterators: testIterators(),
    });
    const invoker: FunctionInvoker = {
      invoke: (arn, payload) => this.#invoke(instance, payload),
      invokeAsync: () => Promise.resolve(),
      lookup: (name) =>
        name === FUNCTION_ARN || name === 'model-fn'
          ? { functionName: 'model-fn', functionArn: FUNCTION_ARN, role: 'arn:aws:iam::000000000000:role/r' }
          : undefined,
    };
    instance.mappings = new Mappings(ctx, {
      streams: this.streams,
      kinesis,
      invoker,
      destinations: {
        exists: (arn) => arn === DLQ,
        send: async () => undefined,
      },
      options: { retryBaseMs: 50, retryMaxMs: 2000, checkpointDelayMs: 0 },
      clock: this.clock,
    });
    const m = instance.mappings as unknown as import('node:events').EventEmitter<MappingEvents>;
    m.on('discard', (e) => {
      if (instance.dead) return;
      this.coverage.discards++;
      this.model.discarded(e.shardId, e.firstSequenceNumber, e.lastSequenceNumber);
    });
    m.on('checkpoint', (e) => {
      if (!instance.dead) this.model.checkpointed(e.generation, e.shardId, e.position, e.finished);
    });
    m.on('bug', (e) => {
      if (!instance.dead) this.bugs.push(`bug: ${e.what} (${e.shardId ?? ''})`);
    });
    m.on('stall', (e) => {
      if (!instance.dead) this.bugs.push(`stall: ${e.shardId} ${e.recordsBehind} behind for ${e.idleMs} ms`);
    });
    this.#instance = instance;
    await instance.mappings.start();
  }

  /** The fake function: checks the batch against the model, fails as the fault settings say, takes some time. */
  async #invoke(instance: Instance, payload: Buffer): Promise<InvokeResult> {
    if (instance.dead) return new Promise(() => undefined);
    const event = JSON.parse(payload.toString()) as {
      Records: Array<{ kinesis: { data: string; sequenceNumber: string } }>;
      window?: unknown;
      state?: { count?: number };
      isFinalInvokeForWindow?: boolean;
    };
    // Tumbling windows: the function answers with its state; the final invoke of a window carries no records.
    const windowed = event.window !== undefined;
    const state = (n: number): { state: { count: number } } => ({
      state: { count: (event.state?.count ?? 0) + n },
    });
    const ids = event.Records.map((r) => Buffer.from(r.kinesis.data, 'base64').toString());
    this.model.invoking(ids);
    if (this.#random() * 100 < this.#throttlePct) {
      this.coverage.throttles++;
      throw new AwsError('TooManyRequestsException', 'Rate Exceeded.', 429);
    }
    this.coverage.invokes++;
    await this.clock.sleep(1 + Math.floor(this.#random() * 50));
    if (instance.dead) return new Promise(() => undefined);
    let failAt = ids.findIndex((id) => id.startsWith('poison'));
    if (failAt < 0 && ids.length > 0 && this.#random() * 100 < this.#failPct)
      failAt = Math.floor(this.#random() * ids.length);
    const result = (body: unknown, functionError?: 'Unhandled'): InvokeResult => ({
      statusCode: 200,
      payload: Buffer.from(JSON.stringify(body)),
      executedVersion: '$LATEST',
      requestId: randomUUID(),
      durationMs: 1,
      ...(functionError ? { functionError } : {}),
    });
    if (failAt < 0) {
      this.model.delivered(ids);
      return result(windowed ? state(ids.length) : {});
    }
    this.coverage.failedInvokes++;
    if (this.#rbif && this.#random() < 0.5) {
      this.model.delivered(ids.slice(0, failAt));
      return result({
        batchItemFailures: [{ itemIdentifier: event.Records[failAt]!.kinesis.sequenceNumber }],
      });
    }
    return result({ errorMessage: 'failed', errorType: 'Error' }, 'Unhandled');
  }

  async #api(method: string, path: string, body?: unknown): Promise<unknown> {
    // The Lambda REST API with the mappings' part only (the app's also has the functions'), as the SDK reaches it.
    const service = lambdaRestService([this.#instance!.mappings.lambdaRoutes]);
    let res: ApiResponse;
    try {
      res = await service.handle({
        method,
        path: `/2015-03-31/event-source-mappings${path}`,
        query: new URLSearchParams(),
        headers: { 'content-type': 'application/json' },
        body: Buffer.from(body === undefined ? '' : JSON.stringify(body)),
        httpVersion: '1.1',
        signal: new AbortController().signal,
        host: 'localhost',
        requestId: randomUUID(),
      });
    } catch (err) {
      throw new Error(`${method} ${path}: ${String(err)}`, { cause: err });
    }
    const text = 'body' in res ? String(res.body ?? '') : '';
    if (res.status >= 400) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return text === '' ? undefined : JSON.parse(text);
  }

  #mapping(): MappingMeta {
    return this.#instance!.mappings.get(this.#uuid);
  }

  /** Lets the mapping's transition (Updating, Enabling...) finish. */
  async #settleState(): Promise<void> {
    const ok = await this.clock.until(() => ['Enabled', 'Disabled'].includes(this.#mapping().State), 120_000);
    if (!ok) this.bugs.push(`mapping stuck in ${this.#mapping().State}`);
  }

  async apply(o: Op): Promise<void> {
    this.coverage.ops[o.op] = (this.coverage.ops[o.op] ?? 0) + 1;
    const open = (): Array<{ shardId: string; start: bigint; end: bigint }> =>
      this.streams
        .get(STREAM)
        .shards.filter((s) => s.endPosition === undefined)
        .map((s) => ({ shardId: s.shardId, start: BigInt(s.startingHashKey), end: BigInt(s.endingHashKey) }))
        .sort((a, b) => (a.start < b.start ? -1 : 1));
    switch (o.op) {
      case 'put': {
        const keys = o.keys.map((k) => `k${k}`);
        const gen = this.gen;
        const ids = keys.map((_, i) => (o.poison && i === 0 ? 'poison' : 'r'));
        // The data is the model's id, known only after the put: write a placeholder, then map by sequence.
        const results = await this.streams.put(
          STREAM,
          keys.map((k, i) => ({
            partitionKey: k,
            data: Buffer.from(`${ids[i]}-${this.model.records.size + i}`),
          })),
        );
        results.forEach((r, i) =>
          this.model.put(keys[i]!, gen, r.shardId, r.sequenceNumber, ids[i] === 'poison'),
        );
        break;
      }
      case 'split': {
        const shards = open().filter((s) => s.end - s.start > 4n);
        const s = shards[o.pick % Math.max(1, shards.length)];
        if (!s || open().length >= 8) break;
        await this.streams.split(STREAM, s.shardId, s.start + (s.end - s.start) / 2n);
        break;
      }
      case 'merge': {
        const shards = open();
        if (shards.length < 2) break;
        const i = o.pick % (shards.length - 1);
        await this.streams.merge(STREAM, shards[i]!.shardId, shards[i + 1]!.shardId);
        break;
      }
      case 'scale': {
        const n = open().length;
        const lo = Math.ceil(n / 2);
        const hi = Math.min(2 * n, 8);
        const target = lo + (o.pick % (hi - lo + 1));
        if (target !== n) await this.streams.updateShardCount(STREAM, target);
        break;
      }
      case 'advance':
        await this.clock.advance(o.ms);
        break;
      case 'disable':
      case 'enable':
        if (this.#mapping().enabled === (o.op === 'enable')) break;
        await this.#api('PUT', `/${this.#uuid}`, { Enabled: o.op === 'enable' });
        await this.#settleState();
        break;
      case 'update':
        await this.#api('PUT', `/${this.#uuid}`, {
          BatchSize: o.batchSize,
          ParallelizationFactor: o.parallelization,
          MaximumBatchingWindowInSeconds: o.windowS,
          BisectBatchOnFunctionError: o.bisect,
        });
        await this.#settleState();
        break;
      case 'recreate':
        await this.streams.delete(STREAM);
        await this.clock.advance(0);
        await this.streams.create(STREAM, o.shards, 'PROVISIONED');
        this.coverage.generations++;
        await this.clock.advance(0);
        break;
      case 'restart': {
        // kill -9: the old process's invokes never return and its writes never land; a new one starts from
        // what the store holds.
        const old = this.#instance!;
        old.dead = true;
        old.crash();
        this.coverage.restarts++;
        await this.#boot();
        await this.#settleState();
        break;
      }
      case 'faults':
        this.#failPct = o.failPct;
        this.#throttlePct = o.throttlePct;
        break;
    }
  }

  /**
   * Ends a sequence: faults off, mapping enabled, then virtual time runs until every record of the current stream
   * is done. Returns the records still pending after `maxMs` (a stall when not empty).
   */
  async finish(maxMs = 600_000): Promise<string[]> {
    this.#failPct = 0;
    this.#throttlePct = 0;
    await this.apply({ op: 'enable' });
    const gen = this.gen;
    await this.clock.until(() => this.model.pending(gen).length === 0, maxMs);
    this.model.checkPoison();
    return this.model.pending(gen).map((r) => `${r.id} (${r.shardId}:${r.position})`);
  }

  /** Stops the live instance (in-flight invokes finish on virtual time). */
  async close(): Promise<void> {
    let closed = false;
    const closing = this.#instance?.mappings.close().then(() => (closed = true));
    await this.clock.until(() => closed, 600_000);
    await closing;
  }
}

/** What all runs covered together. */
export const covered = {
  runs: 0,
  records: 0,
  delivered: 0,
  duplicates: 0,
  discarded: 0,
  invokes: 0,
  failed: 0,
  throttles: 0,
  restarts: 0,
  generations: 0,
  ops: {} as Record<string, number>,
};

/** Runs one sequence; returns what went wrong (empty when everything held). */
export async function runSequence(seed: number, setup: MappingSetup, ops: Op[]): Promise<string[]> {
  const e = new InProcessEngine(seed);
  try {
    return await runOn(e, setup, ops);
  } finally {
    const st = e.model.stats();
    covered.runs++;
    covered.records += st.records;
    covered.delivered += st.delivered;
    covered.duplicates += st.duplicates;
    covered.discarded += st.discarded;
    covered.invokes += e.coverage.invokes;
    covered.failed += e.coverage.failedInvokes;
    covered.throttles += e.coverage.throttles;
    covered.restarts += e.coverage.restarts;
    covered.generations += e.coverage.generations;
    for (const [k, v] of Object.entries(e.coverage.ops)) covered.ops[k] = (covered.ops[k] ?? 0) + v;
  }
}

async function runOn(e: InProcessEngine, setup: MappingSetup, ops: Op[]): Promise<string[]> {
  await e.setup(setup);
  for (const o of ops) await e.apply(o);
  const pending = await e.finish();
  await e.close();
  const problems = [...e.model.violations, ...e.bugs];
  if (pending.length > 0)
    problems.push(`stall: ${pending.length} records never done: ${pending.slice(0, 5).join(', ')}`);
  return problems;
}
