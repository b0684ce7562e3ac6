import { setMaxListeners } from 'node:events';
import type { KinesisRecord } from '../../kinesis/model.js';
import { BatchDelivery, Stopped, type InvokeStrategy } from './batch-delivery.js';
import { judgeInvoke } from './batch-outcome.js';
import type { Checkpoints } from './checkpoints.js';
import type { CompiledMapping } from './compiled-mapping.js';
import type { EngineDeps } from './engine-deps.js';
import {
  batchCut,
  buildPayload,
  encodeRecord,
  type EncodedRecord,
  eventContext,
  type EventContext,
} from './event-builder.js';
import { FilterView } from './filter-view.js';
import { CheckpointFrontier } from './frontier.js';
import { gatherWaitMs, laneOf, newLanes, type Lane } from './lanes.js';
import type { GoneReason, ShardReader, StreamView } from './shard-reader.js';
import { race, Signal } from './signal.js';
import { WindowLane } from './window-lane.js';

/**
 * Lifecycle of a shard processor:
 * - `running`: reading and delivering;
 * - `finished`: a closed shard read to its end and every record done (its children may start);
 * - `gone`: the stream or consumer disappeared (nothing more can be read);
 * - `stopped`: stopped by its runner (disable, update, shutdown, watchdog); in-flight batches completed.
 */
export type ShardStatus = 'running' | 'finished' | 'gone' | 'stopped';

/**
 * Processes one shard for one mapping: a reader feeds records in order; records are filtered and spread
 * over ParallelizationFactor lanes by partition key; each lane delivers one batch at a time (BatchDelivery);
 * the frontier moves the durable checkpoint over records that are done, never past one that is not.
 */
export class ShardProcessor {
  readonly shardId: string;
  readonly #m: CompiledMapping;
  readonly #d: EngineDeps;
  readonly #view: StreamView;
  readonly #cps: Checkpoints;
  readonly #ctx: EventContext;
  readonly #abort = new AbortController();
  readonly #reader: ShardReader;
  readonly #delivery: BatchDelivery;
  readonly #frontier: CheckpointFrontier;
  readonly #filterView = new FilterView();
  readonly #progress = new Signal();
  readonly #lanes: Lane[];
  readonly #maxBuffered: number;
  #buffered = 0;
  #ended: 'end' | GoneReason | undefined;
  #lastCheckpoint: number;
  #status: ShardStatus = 'running';
  #run: Promise<void> | undefined;
  /** Lanes waiting on a function, a backoff or a window timer (the watchdog leaves those alone). */
  #busy = 0;
  /** When a batch last started or records were last read (the watchdog's measure of progress). */
  #lastActivity: number;

  constructor(
    m: CompiledMapping,
    deps: EngineDeps,
    view: StreamView,
    cps: Checkpoints,
    shardId: string,
    start: number,
    role: string,
  ) {
    this.shardId = shardId;
    // Every lane's backoff, batching window and delivery sleeps on it.
    setMaxListeners(0, this.#abort.signal);
    this.#m = m;
    this.#d = deps;
    this.#view = view;
    this.#cps = cps;
    this.#reader = view.reader(shardId, start, m.consumerArn);
    this.#frontier = new CheckpointFrontier(start);
    this.#lastCheckpoint = start;
    this.#lastActivity = deps.clock.now();
    this.#ctx = eventContext({ shardId, streamArn: m.streamArn, region: deps.region, role });
    this.#lanes = newLanes(m.parallelization);
    this.#maxBuffered = Math.max(1000, m.batchSize * (m.parallelization + 1));
    this.#delivery = new BatchDelivery(m, deps, {
      shardId,
      signal: this.#abort.signal,
      discarded: (records, release) => this.#markDone(records, release),
      // The age of the oldest record not yet processed, or undefined when caught up with the tip.
      oldestPendingAge: (now) => {
        const behind = this.recordsBehind();
        return behind > 0 ? this.iteratorAgeMs(now, behind) : undefined;
      },
    });
  }

  get status(): ShardStatus {
    return this.#status;
  }

  get stopped(): boolean {
    return this.#abort.signal.aborted;
  }

  /** Starts processing; the promise settles when the shard is finished, gone, or the processor stopped. */
  start(): Promise<void> {
    this.#run ??= this.#main();
    return this.#run;
  }

  /** Something happened to the shard (append, reshard, deletion): the reader looks again. */
  wake(): void {
    this.#reader.wake();
  }

  /** Stops after the batches in flight complete; their checkpoints are flushed by the caller. */
  async stop(): Promise<void> {
    this.#abort.abort();
    this.#reader.close();
    this.#progress.notify();
    for (const l of this.#lanes) l.signal.notify();
    await this.#run;
  }

  async #main(): Promise<void> {
    this.#emitShard('started');
    const window = this.#m.tumblingWindowMs > 0 ? this.#windowLane() : undefined;
    const lanes = this.#lanes.map((l) => (window ? window.run(l) : this.#laneLoop(l)));
    try {
      await this.#readLoop();
    } finally {
      for (const l of this.#lanes) l.signal.notify();
      await Promise.all(lanes);
    }
    if (this.stopped) this.#status = 'stopped';
    else if (this.#ended === 'end') {
      const position = this.#frontier.readPosition;
      await this.#cps.set(this.shardId, { position, finished: true });
      this.#d.events.emit('checkpoint', {
        uuid: this.#m.uuid,
        generation: this.#view.generation,
        shardId: this.shardId,
        position,
        finished: true,
      });
      this.#status = 'finished';
    } else this.#status = 'gone';
    this.#emitShard(this.#status === 'finished' ? 'finished' : 'stopped');
  }

  #emitShard(status: 'started' | 'finished' | 'stopped'): void {
    this.#d.events.emit('shard', { uuid: this.#m.uuid, shardId: this.shardId, status });
  }

  /** Why the source ended, once it did: `end` of a closed shard, or why it is gone. */
  get ended(): 'end' | GoneReason | undefined {
    return this.#ended;
  }

  async #readLoop(): Promise<void> {
    while (!this.stopped) {
      const room = this.#maxBuffered - this.#buffered;
      if (room <= 0) {
        await this.#progress.wait();
        continue;
      }
      const got = await this.#reader.next(Math.min(room, 10_000));
      if (this.stopped) return;
      if (!Array.isArray(got)) {
        this.#ended = got.kind === 'end' ? 'end' : got.reason;
        for (const l of this.#lanes) l.signal.notify();
        // A closed shard read to its end finishes once every lane is done with it; a gone one stops now.
        if (got.kind === 'end')
          while (!this.stopped && this.#frontier.pending > 0) await this.#progress.wait();
        return;
      }
      this.#accept(got);
    }
  }

  /** Filters read records and hands the rest to their lanes. */
  #accept(records: KinesisRecord[]): void {
    const m = this.#m;
    const now = this.#d.clock.now();
    this.#lastActivity = now;
    this.#d.events.emit('polled', { uuid: m.uuid, shardId: this.shardId, records: records.length });
    let filtered = 0;
    for (const r of records) {
      if (m.filter && !m.filter.matches(this.#filterView.of(r))) {
        filtered++;
        continue;
      }
      // One lane (ParallelizationFactor 1) needs no key: a stored record's key then stays undecoded.
      const lanes = this.#lanes;
      const lane = lanes.length === 1 ? lanes[0]! : lanes[laneOf(r.partitionKey, lanes.length)]!;
      if (lane.queue.length === 0) lane.since = now;
      lane.queue.push(encodeRecord(r, this.#ctx));
      this.#frontier.track(r.position);
      this.#buffered++;
    }
    this.#frontier.read(records[records.length - 1]!.position + 1);
    if (filtered > 0) {
      this.#d.events.emit('filtered', { uuid: m.uuid, shardId: this.shardId, records: filtered });
      this.#checkpoint();
    }
    for (const l of this.#lanes) if (l.queue.length > 0) l.signal.notify();
  }

  #inputEnded(): boolean {
    return this.#ended !== undefined;
  }

  async #laneLoop(lane: Lane): Promise<void> {
    while (!this.stopped) {
      if (lane.queue.length === 0) {
        if (this.#inputEnded()) return;
        await lane.signal.wait();
        continue;
      }
      if (await this.#gathering(lane)) continue;
      const batch = lane.queue.splice(0, batchCut(lane.queue, this.#m.batchSize));
      lane.since = this.#d.clock.now();
      this.#lastActivity = lane.since;
      try {
        await this.#busyWith(this.#delivery.process(batch, this.#plain));
      } catch (err) {
        if (err instanceof Stopped) return;
        throw err;
      }
    }
  }

  /** MaximumBatchingWindowInSeconds: waits while a lane's batch is still filling; true when it waited. */
  async #gathering(lane: Lane): Promise<boolean> {
    const wait = gatherWaitMs(lane, this.#d.clock.now(), this.#m, this.#ended === 'end');
    if (wait <= 0) return false;
    await this.#busyWith(race(lane.signal.wait(), this.#d.clock.sleep(wait, this.#abort.signal)));
    return true;
  }

  async #busyWith<T>(work: Promise<T>): Promise<T> {
    this.#busy++;
    try {
      return await work;
    } finally {
      this.#busy--;
    }
  }

  readonly #plain: InvokeStrategy = {
    payload: (records) => buildPayload(records, this.#ctx),
    judge: (result, records) => judgeInvoke(result, records, this.#m.reportBatchItemFailures),
    succeeded: (records) => this.#markDone(records, true),
  };

  #windowLane(): WindowLane {
    return new WindowLane(this.#m, this.#d, this.#ctx, this.#delivery, {
      isStopped: () => this.stopped,
      signal: this.#abort.signal,
      inputEnded: () => this.#inputEnded(),
      gathering: (lane) => this.#gathering(lane),
      done: (records, release) => this.#markDone(records, release),
      release: (count) => {
        this.#buffered -= count;
        this.#progress.notify();
      },
      busy: (work) => this.#busyWith(work),
    });
  }

  /** Marks records done and moves the checkpoint over the done prefix. */
  #markDone(records: ReadonlyArray<EncodedRecord>, release: boolean): void {
    for (const r of records) this.#frontier.done(r.record.position);
    if (release) this.#buffered -= records.length;
    this.#checkpoint();
    this.#progress.notify();
  }

  #checkpoint(): void {
    const position = this.#frontier.position;
    if (position <= this.#lastCheckpoint) return;
    this.#lastCheckpoint = position;
    this.#cps.set(this.shardId, { position }).then(
      () =>
        this.#d.events.emit('checkpoint', {
          uuid: this.#m.uuid,
          generation: this.#view.generation,
          shardId: this.shardId,
          position,
          finished: false,
        }),
      // Not durable yet (disk full...): the value stays pending in Checkpoints and the next round writes it again.
      (err: unknown) =>
        this.#d.bugs.bug(err, { uuid: this.#m.uuid, shardId: this.shardId, what: 'checkpoint write failed' }),
    );
  }

  /** Records from the checkpoint to the shard's tip: what is left to process. */
  recordsBehind(): number {
    const b = this.#view.bounds(this.shardId);
    return b ? Math.max(0, b.last + 1 - Math.max(this.#frontier.position, b.first)) : 0;
  }

  /** IteratorAge as the lag sampler and the watchdog see it. */
  iteratorAgeMs(now: number, recordsBehind = this.recordsBehind()): number {
    if (recordsBehind === 0) return 0;
    const arrival = this.#view.arrivalAt(this.shardId, this.#frontier.position);
    return arrival === undefined ? 0 : Math.max(0, now - arrival);
  }

  /**
   * For the watchdog: how long records have been pending with nothing under way (no batch in flight, no
   * backoff, no window or batching timer), or 0 when the processor is making progress or has nothing to do.
   */
  idleWithPendingMs(now: number, recordsBehind = this.recordsBehind()): number {
    if (this.#status !== 'running' || this.#busy > 0 || this.stopped) return 0;
    if (this.#buffered === 0 && recordsBehind === 0) {
      // Caught up: a stall only if this is a closed shard read to its end that never finished (its children
      // wait for it).
      const end = this.#view.endPosition(this.shardId);
      if (end === undefined || this.#frontier.readPosition <= end) return 0;
    }
    return Math.max(0, now - this.#lastActivity);
  }
}
