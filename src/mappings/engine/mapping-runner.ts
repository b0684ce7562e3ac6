import type { ShardMeta } from '../../kinesis/model.js';
import { parentsOf } from '../../kinesis/reshard.js';
import type { Store } from '../../store/store.js';
import type { StartingPosition } from '../model.js';
import { Checkpoints, type Checkpoint } from './checkpoints.js';
import type { CompiledMapping } from './compiled-mapping.js';
import type { EngineDeps } from './engine-deps.js';
import { initialCheckpoints } from './initial-checkpoints.js';
import { ShardProcessor } from './shard-processor.js';
import type { GoneReason, StreamView } from './shard-reader.js';

/** How a runner starts and watches itself. */
export interface RunnerOptions {
  startingPosition: StartingPosition;
  /** Epoch ms (AT_TIMESTAMP). */
  startingTimestampMs: number | undefined;
  /** The function's execution role (invokeIdentityArn of the events). */
  role: string;
  checkpointDelayMs: number;
  /** Records pending this long with nothing under way is a stall (a bug): logged, counted, reader restarted. */
  stallMs: number;
}

/** How far a mapping is behind in one shard. */
export interface ShardLag {
  shardId: string;
  recordsBehind: number;
  iteratorAgeMs: number;
}

/**
 * Runs one enabled mapping on one generation of its stream: a ShardProcessor per readable shard. The
 * registry's events drive it (no timer-based discovery): an append wakes its shard's reader; a reshard wakes
 * every reader (a closed shard is drained to its end) and starts children whose parents are all finished, so
 * each partition key stays in order across generations of shards (doc: "Lambda processes records in order
 * ... parent shards before child shards"). A deleted stream ends every reader: the mapping reports
 * `PROBLEM: Stream not found` until a stream of that name exists again (a new runner then starts on it).
 */
export class MappingRunner implements AsyncDisposable {
  readonly #m: CompiledMapping;
  readonly #d: EngineDeps;
  readonly #view: StreamView;
  readonly #store: Store;
  readonly #o: RunnerOptions;
  readonly #cps: Checkpoints;
  readonly #processors = new Map<string, ShardProcessor>();
  /** Shards whose reader found the source gone: not restarted until the mapping restarts. */
  readonly #gone = new Map<string, GoneReason>();
  /** Since when the watchdog has seen a startable shard with records and no processor. */
  readonly #unstartedSince = new Map<string, number>();
  #stopped = false;
  /** The last lag sample had records pending. */
  #wasBehind = false;

  constructor(m: CompiledMapping, deps: EngineDeps, view: StreamView, store: Store, o: RunnerOptions) {
    this.#m = m;
    this.#d = deps;
    this.#view = view;
    this.#store = store;
    this.#o = o;
    this.#cps = new Checkpoints(store, m.uuid, view.generation, o.checkpointDelayMs);
  }

  get streamName(): string {
    return this.#m.streamName;
  }

  get generation(): number {
    return this.#view.generation;
  }

  get uuid(): string {
    return this.#m.uuid;
  }

  async start(): Promise<void> {
    await Checkpoints.migrateLegacy(this.#store, this.#m.uuid, this.#view.generation);
    // Older generations of the stream are gone for good: their checkpoints never apply again.
    await Checkpoints.clear(this.#store, this.#m.uuid, this.#view.generation);
    if (this.#cps.isEmpty())
      await initialCheckpoints(this.#view, this.#cps, this.#o.startingPosition, this.#o.startingTimestampMs);
    if (this.#stopped) return;
    this.reconcile();
  }

  /** Records arrived in a shard of the stream. */
  onAppend(shardId: string): void {
    this.#processors.get(shardId)?.wake();
  }

  /** Shards closed or opened (split, merge, UpdateShardCount, expiry) or the stream is being deleted. */
  onStreamChange(): void {
    for (const p of this.#processors.values()) p.wake();
    this.reconcile();
  }

  /** The shards a processor could run on now: not finished, not gone, every parent finished. */
  #startable(): ShardMeta[] {
    const shards = this.#view.shards();
    const present = new Set(shards.map((s) => s.shardId));
    return shards.filter(
      (s) =>
        !this.#processors.has(s.shardId) &&
        !this.#gone.has(s.shardId) &&
        this.#cps.get(s.shardId)?.finished !== true &&
        parentsOf(s).every((p) => !present.has(p) || this.#cps.get(p)?.finished === true),
    );
  }

  /** Starts processors for shards that became readable (after a reshard or a finished parent). */
  reconcile(): void {
    if (this.#stopped) return;
    if (!this.#view.alive()) {
      this.#d.setResult(this.#m.uuid, this.#goneResult('stream-deleted'));
      return;
    }
    for (const s of this.#startable()) this.#startShard(s.shardId);
  }

  #goneResult(reason: GoneReason): string {
    return reason === 'consumer-deleted' ? 'PROBLEM: Stream consumer not found' : 'PROBLEM: Stream not found';
  }

  #startShard(shardId: string): void {
    const start = this.#cps.get(shardId)?.position ?? this.#view.bounds(shardId)?.first ?? 0;
    const p = new ShardProcessor(this.#m, this.#d, this.#view, this.#cps, shardId, start, this.#o.role);
    this.#processors.set(shardId, p);
    this.#unstartedSince.delete(shardId);
    p.start().then(
      () => {
        if (this.#processors.get(shardId) === p) this.#processors.delete(shardId);
        const reason = p.ended;
        if (p.status === 'gone' && reason !== undefined && reason !== 'end') {
          this.#gone.set(shardId, reason);
          this.#d.setResult(this.#m.uuid, this.#goneResult(reason));
          return;
        }
        if (p.status === 'finished') this.reconcile();
      },
      (err: unknown) => {
        // A bug, not a state of the stream: logged with the mapping and shard, shown as a problem, and the
        // shard restarted from its checkpoint by the watchdog.
        if (this.#processors.get(shardId) === p) this.#processors.delete(shardId);
        this.#d.bugs.bug(err, { uuid: this.#m.uuid, shardId, what: 'shard processor failed' });
        this.#d.setResult(this.#m.uuid, 'PROBLEM: Internal error (see server log)');
      },
    );
  }

  /** The shard's checkpoint: every record before its position is done (set, possibly not yet durable). */
  checkpoint(shardId: string): Checkpoint | undefined {
    return this.#cps.get(shardId);
  }

  /** How far the mapping is behind in each shard it has not finished. */
  lag(): ShardLag[] {
    return this.#survey(this.#d.clock.now()).lag;
  }

  /**
   * One pass over the shards: each one's lag, processors idle with records pending (the watchdog's stalls), and
   * whether any unfinished shard has no processor. Every lookup is made once: it runs on every tick for
   * every enabled mapping, mostly on idle ones.
   */
  #survey(now: number): {
    lag: ShardLag[];
    stalled: Array<{ shardId: string; p: ShardProcessor; behind: number; idle: number }>;
    unstarted: boolean;
  } {
    const lag: ShardLag[] = [];
    const stalled: Array<{ shardId: string; p: ShardProcessor; behind: number; idle: number }> = [];
    let unstarted = false;
    if (!this.#view.alive()) return { lag, stalled, unstarted };
    for (const s of this.#view.shards()) {
      const shardId = s.shardId;
      const p = this.#processors.get(shardId);
      if (p) {
        const behind = p.recordsBehind();
        lag.push({ shardId, recordsBehind: behind, iteratorAgeMs: p.iteratorAgeMs(now, behind) });
        const idle = p.idleWithPendingMs(now, behind);
        if (idle >= this.#o.stallMs) stalled.push({ shardId, p, behind, idle });
        continue;
      }
      const cp = this.#cps.get(shardId);
      const b = this.#view.bounds(shardId);
      if (cp?.finished || !b) continue;
      if (!this.#gone.has(shardId)) unstarted = true;
      const from = Math.max(cp?.position ?? b.first, b.first);
      const behind = Math.max(0, b.last + 1 - from);
      const arrival = behind > 0 ? this.#view.arrivalAt(shardId, from) : undefined;
      lag.push({
        shardId,
        recordsBehind: behind,
        iteratorAgeMs: arrival === undefined ? 0 : Math.max(0, now - arrival),
      });
    }
    return { lag, stalled, unstarted };
  }

  /**
   * Samples lag (a stalled mapping shows a rising IteratorAge) and looks for stalls. Called every lagIntervalMs by
   * the owner of all runners (one timer for every mapping: two hundred timers cost more than their work).
   */
  tick(): void {
    if (this.#stopped) return;
    const now = this.#d.clock.now();
    const { lag: shards, stalled, unstarted } = this.#survey(now);
    const recordsBehind = shards.reduce((a, l) => a + l.recordsBehind, 0);
    // While behind, and once more when caught up (so gauges fed by these samples return to 0).
    if (recordsBehind > 0 || this.#wasBehind) {
      const iteratorAgeMs = shards.reduce((a, l) => Math.max(a, l.iteratorAgeMs), 0);
      this.#d.events.emit('lag', { uuid: this.#m.uuid, recordsBehind, iteratorAgeMs, shards });
    }
    this.#wasBehind = recordsBehind > 0;
    for (const { shardId, p, behind, idle } of stalled) {
      this.#stall(shardId, behind, idle, 'records pending and no batch started');
      this.#processors.delete(shardId);
      // Restart from the checkpoint once the old processor has let go of its batches.
      void p.stop().then(() => this.reconcile());
    }
    // Children waiting for their parents are expected; a shard that could start and has not is a bug.
    if (!unstarted) return;
    for (const s of this.#startable()) {
      const since = this.#unstartedSince.get(s.shardId) ?? now;
      this.#unstartedSince.set(s.shardId, since);
      if (now - since < this.#o.stallMs) continue;
      const behind = shards.find((l) => l.shardId === s.shardId)?.recordsBehind ?? 0;
      this.#stall(s.shardId, behind, now - since, 'a readable shard was never started');
      this.#startShard(s.shardId);
    }
  }

  #stall(shardId: string, recordsBehind: number, idleMs: number, what: string): void {
    this.#d.bugs.bug(new Error(`mapping stalled: ${what}`), {
      uuid: this.#m.uuid,
      shardId,
      what: `watchdog: ${what}`,
    });
    this.#d.events.emit('stall', { uuid: this.#m.uuid, shardId, recordsBehind, idleMs });
  }

  /** Stops every shard; the batches in flight finish and their checkpoints are made durable. */
  async stop(): Promise<void> {
    this.#stopped = true;
    await Promise.all([...this.#processors.values()].map((p) => p.stop()));
    this.#processors.clear();
    await this.#cps.flush();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }
}
