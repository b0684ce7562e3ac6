import { systemClock, type Clock } from '../server/clock.js';
import { couldNotFindShard, streamNotFound } from './not-found.js';
import type { AppContext } from '../server/context.js';
import { arn } from '../server/context.js';
import { AwsError, InvalidArgument, ResourceInUse } from '../server/errors.js';
import {
  checkOnDemandLimit,
  checkShardCountTarget,
  checkShardLimit,
  type LimitScope,
} from './account-limits.js';
import { TransitionScheduler } from '../server/transitions.js';
import type { KinesisEvents } from './kinesis-events.js';
import type { ShardMeta, StreamMeta, StreamMode } from './model.js';
import {
  areAdjacent,
  initialShards,
  isValidSplitKey,
  mergeChild,
  nextShardIndex,
  parseShardId,
  splitChildren,
  uniformChildren,
} from './reshard.js';
import type { Shard } from './shard.js';
import { BlockCache } from './block-cache.js';
import { ShardLog } from './shard-log.js';
import { Stream, type PutEntry, type PutResult, type StreamDeps } from './stream.js';

const NS = 'kinesis.stream';
/** Records are kept at least this long after a put (retention is checked once a minute). */
const TRIM_INTERVAL_MS = 60_000;

/**
 * The catalog of streams: their metadata (held in memory, written through to the store), their lifecycle
 * (CREATING -> ACTIVE, UPDATING for a reshard, DELETING -> gone, each after the transition delay), the
 * account's limits, and retention. Records are read and written through the handles it resolves: `Stream`
 * (stream.ts) and `Shard` (shard.ts); which shards a reshard makes is `reshard.ts`. Everything it reports goes
 * out on the Kinesis component's `KinesisEvents`.
 */
export class StreamRegistry {
  readonly #ctx: AppContext;
  readonly #events: KinesisEvents;
  readonly #streams = new Map<string, Stream>();
  readonly #transitions: TransitionScheduler;
  readonly #deps: StreamDeps;
  #trimTimer: NodeJS.Timeout | undefined;

  /** Arrival, creation and closing times, and the transition delays (a virtual clock in engine tests). */
  readonly #clock: Clock;
  #lastCreatedAt = 0;

  constructor(ctx: AppContext, events: KinesisEvents, clock: Clock = systemClock) {
    this.#ctx = ctx;
    this.#events = events;
    this.#clock = clock;
    this.#transitions = new TransitionScheduler({
      clock,
      delayMs: () => ctx.options.transitionDelayMs,
      onError: (err) => ctx.log.error({ err }, 'stream transition failed'),
    });
    /** Decoded blocks kept by all shard logs, bounded together. */
    const blocks = new BlockCache();
    this.#deps = {
      account: ctx.options.account,
      events,
      logOf: (meta, index) => new ShardLog(ctx.store, `kin/${meta.name}/${meta.createdAt}/${index}`, blocks),
    };
    for (const { doc } of ctx.store.listDocs<StreamMeta>(NS)) this.#load(doc);
  }

  start(): void {
    this.#trimTimer = setInterval(() => void this.trimExpired(), TRIM_INTERVAL_MS);
    this.#trimTimer.unref();
    // Streams left in a transitional state by a crash finish their transition now.
    for (const s of this.#streams.values()) {
      // An interrupted reshard was never applied (it is applied in one persisted step), so it is dropped.
      if (s.meta.status === 'CREATING') this.#transitions.schedule(() => this.#finishCreate(s), 0);
      if (s.meta.status === 'UPDATING') this.#transitions.schedule(() => this.#setStatus(s, 'ACTIVE'), 0);
      if (s.meta.status === 'DELETING') this.#transitions.schedule(() => this.#finishDelete(s), 0);
    }
    void this.trimExpired();
  }

  close(): void {
    this.#transitions.close();
    if (this.#trimTimer) clearInterval(this.#trimTimer);
  }

  get account(): string {
    return this.#ctx.options.account;
  }

  /** The component's clock (account settings' commitment times read it too). */
  get clock(): Clock {
    return this.#clock;
  }

  #load(meta: StreamMeta): Stream {
    this.#lastCreatedAt = Math.max(this.#lastCreatedAt, meta.createdAt);
    const s = new Stream(meta, this.#deps);
    this.#streams.set(meta.name, s);
    return s;
  }

  async #persist(s: Stream): Promise<void> {
    await this.#ctx.store.putDoc(NS, s.meta.name, s.meta);
  }

  async #setStatus(s: Stream, status: StreamMeta['status']): Promise<void> {
    if (!s.live) return;
    s.meta.status = status;
    await this.#persist(s);
    this.#events.emit('status', { stream: s.meta.name, status });
  }

  // ---- lookups ---------------------------------------------------------------------------

  list(): StreamMeta[] {
    return [...this.#streams.values()].map((s) => s.meta).sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  /** The stream's metadata; throws AWS's ResourceNotFoundException. */
  get(name: string): StreamMeta {
    return this.stream(name).meta;
  }

  has(name: string): boolean {
    return this.#streams.has(name);
  }

  /** The stream's metadata, or undefined when there is none by that name (readers that must not throw). */
  find(name: string): StreamMeta | undefined {
    return this.#streams.get(name)?.meta;
  }

  /** The stream's handle (its current generation); throws AWS's ResourceNotFoundException. */
  stream(name: string): Stream {
    const s = this.#streams.get(name);
    if (!s) throw streamNotFound(this.account, name);
    return s;
  }

  /** The stream's handle, or undefined when there is none by that name. */
  findStream(name: string): Stream | undefined {
    return this.#streams.get(name);
  }

  nameFromArn(streamArn: string): string | undefined {
    const m = /^arn:aws[\w-]*:kinesis:[^:]*:\d{12}:stream\/([^/]+)$/.exec(streamArn);
    return m?.[1];
  }

  streamArn(name: string): string {
    return arn(this.#ctx, 'kinesis', `stream/${name}`);
  }

  /**
   * Most operations (PutRecord, DeleteStream, tags, retention, UpdateShardCount) do not see a stream
   * that is still CREATING or already DELETING: AWS answers ResourceNotFoundException for them.
   */
  #requireVisible(s: Stream): void {
    if (s.meta.status === 'CREATING' || s.meta.status === 'DELETING') {
      throw streamNotFound(this.account, s.meta.name);
    }
  }

  /** The stream, unless it is missing, CREATING or DELETING (ResourceNotFoundException). */
  getVisible(name: string): StreamMeta {
    const s = this.stream(name);
    this.#requireVisible(s);
    return s.meta;
  }

  // ---- lifecycle ---------------------------------------------------------------------------

  async create(
    name: string,
    shardCount: number,
    mode: StreamMode,
    tags: Record<string, string> = {},
  ): Promise<void> {
    if (this.#streams.has(name)) {
      throw ResourceInUse(`Stream ${name} under account ${this.account} already exists.`);
    }
    this.#checkLimit(shardCount);
    if (mode === 'ON_DEMAND') this.checkOnDemandLimit();
    // The creation time is the stream's identity (and sequence-number salt): a stream created again under a
    // deleted one's name in the same millisecond still gets a new one.
    const createdAt = Math.max(this.#clock.now(), this.#lastCreatedAt + 1);
    this.#lastCreatedAt = createdAt;
    const meta: StreamMeta = {
      name,
      arn: this.streamArn(name),
      createdAt,
      status: 'CREATING',
      mode,
      retentionHours: 24,
      shards: initialShards(shardCount, createdAt),
      tags,
      consumers: [],
      encryptionType: 'NONE',
    };
    const s = this.#load(meta);
    await this.#persist(s);
    this.#events.emit('status', { stream: name, status: 'CREATING' });
    this.#transitions.schedule(() => this.#finishCreate(s));
  }

  /** CREATING -> ACTIVE, unless the stream was deleted meanwhile. */
  async #finishCreate(s: Stream): Promise<void> {
    if (s.meta.status === 'CREATING') await this.#setStatus(s, 'ACTIVE');
  }

  /** DeleteStream: DELETING now, gone after the transition delay; a CREATING stream too, as on AWS. */
  async delete(name: string): Promise<void> {
    const s = this.stream(name);
    if (s.meta.status === 'DELETING') this.#requireVisible(s);
    if (s.meta.status === 'CREATING') s.meta.deletedWhileCreating = true;
    s.meta.status = 'DELETING';
    await this.#persist(s);
    this.#events.emit('status', { stream: name, status: 'DELETING' });
    this.#transitions.schedule(() => this.#finishDelete(s));
  }

  async #finishDelete(s: Stream): Promise<void> {
    if (!s.live) return;
    this.#streams.delete(s.meta.name);
    s.retire();
    await this.#ctx.store.deleteDoc(NS, s.meta.name);
    this.#events.emit('deleted', { stream: s.meta.name, arn: s.meta.arn });
    for (const sh of s.shards()) await sh.drop();
  }

  /** Applies a metadata change that needs no transition (tags, retention, consumers). */
  async update(name: string, change: (meta: StreamMeta) => void): Promise<void> {
    const s = this.stream(name);
    change(s.meta);
    await this.#persist(s);
  }

  /**
   * A setting AWS changes while the stream is UPDATING (enhanced monitoring, encryption, capacity mode): on an
   * ACTIVE stream only (ResourceInUseException otherwise), `change` (which throws before it changes anything) is
   * applied and persisted with the UPDATING status, which ends after the transition delay (or at the next start).
   */
  async updateSettings<T>(name: string, change: (meta: StreamMeta) => T): Promise<T> {
    const s = this.stream(name);
    this.#requireVisible(s);
    this.#requireActive(s);
    const result = change(s.meta);
    await this.#beginUpdate(s, async () => {
      if (s.meta.status === 'UPDATING') await this.#setStatus(s, 'ACTIVE');
    });
    return result;
  }

  openShardCount(): number {
    let n = 0;
    for (const s of this.#streams.values()) n += s.openShards().length;
    return n;
  }

  /** One more ON_DEMAND stream (CreateStream, UpdateStreamMode) must stay within the account's limit. */
  checkOnDemandLimit(): void {
    checkOnDemandLimit(this.#limitScope(), this.onDemandStreamCount());
  }

  /** Streams in ON_DEMAND mode (DescribeLimits). */
  onDemandStreamCount(): number {
    let n = 0;
    for (const s of this.#streams.values()) if (s.meta.mode === 'ON_DEMAND') n++;
    return n;
  }

  // ---- records -------------------------------------------------------------------------------

  /** PutRecord(s): appends records to a visible stream; resolves once they are durable. Results in request order. */
  async put(stream: string, entries: ReadonlyArray<PutEntry>): Promise<PutResult[]> {
    const s = this.stream(stream);
    this.#requireVisible(s);
    return s.put(entries, this.#clock.now());
  }

  /**
   * Removes records older than each stream's retention period, and closed shards that were closed longer
   * ago than that (AWS stops listing a closed shard once its last record has expired). `now` is a parameter
   * so tests can look a day ahead.
   */
  async trimExpired(now = this.#clock.now()): Promise<void> {
    for (const s of [...this.#streams.values()]) {
      const cutoff = now - s.meta.retentionHours * 3_600_000;
      const expired: Shard[] = [];
      for (const sh of [...s.shards()]) {
        if (!s.live) break;
        await sh.trimBefore(cutoff);
        if (sh.expiredBefore(cutoff)) expired.push(sh);
      }
      if (expired.length > 0 && s.live) {
        s.removeShards(expired);
        await this.#persist(s);
        // Readers holding one of these shards re-list the stream's shards.
        this.#events.emit('reshard', { stream: s.meta.name });
        for (const sh of expired) await sh.drop();
      }
    }
  }

  // ---- resharding ----------------------------------------------------------------------------

  #requireActiveForReshard(s: Stream): void {
    if (s.meta.mode === 'ON_DEMAND') {
      // Resharding APIs are for provisioned streams only; AWS scales on-demand streams itself.
      throw new AwsError(
        'ValidationException',
        `Request is invalid. Stream ${s.meta.name} under account ${this.account} is in On-Demand mode.`,
      );
    }
    this.#requireActive(s);
  }

  #requireActive(s: Stream): void {
    if (s.meta.status !== 'ACTIVE') {
      throw ResourceInUse(
        `Stream ${s.meta.name} under account ${this.account} not ACTIVE, instead in state ${s.meta.status}`,
      );
    }
  }

  /** A shard to split or merge: it must exist and still be open. */
  #requireOpen(s: Stream, shardId: string): Shard {
    const sh = s.findShard(shardId);
    if (!sh) throw couldNotFindShard(this.account, s.meta.name, shardId);
    if (sh.closed) {
      throw InvalidArgument(
        `Shard ${shardId} in stream ${s.meta.name} under account ${this.account} has already been merged or split, and thus is not eligible for merging or splitting.`,
      );
    }
    return sh;
  }

  /**
   * Closes `parents` and opens `children` atomically (in memory), then persists. Skipped when the stream
   * was deleted (or re-created) during the UPDATING delay.
   */
  async #reshard(s: Stream, parents: Shard[], children: ShardMeta[]): Promise<void> {
    if (!s.live || s.meta.status !== 'UPDATING') return;
    s.applyReshard(parents, children, this.#clock.now());
    s.meta.status = 'ACTIVE';
    await this.#persist(s);
    this.#events.emit('reshard', { stream: s.meta.name });
    this.#events.emit('status', { stream: s.meta.name, status: 'ACTIVE' });
  }

  /**
   * A shard id given in a request, as AWS reads it (reshard.ts: parseShardId): the shard's canonical id; an id
   * that names no shard is refused before the stream is looked up, as AWS does.
   */
  shardIdFrom(given: string, stream: string): string {
    const id = parseShardId(given);
    if (id === undefined) throw couldNotFindShard(this.account, stream, given);
    return id;
  }

  /** SplitShard: the parent closes; children get [start, key-1] and [key, end]. */
  async split(stream: string, givenShardId: string, newStartingHashKey: bigint): Promise<void> {
    const shardId = this.shardIdFrom(givenShardId, stream);
    const s = this.stream(stream);
    const p = this.#requireOpen(s, shardId);
    if (!isValidSplitKey(p.meta, newStartingHashKey)) {
      throw InvalidArgument(
        `NewStartingHashKey ${newStartingHashKey} used in SplitShard() on shard ${shardId} in stream ${stream} under account ${this.account} is not both greater than one plus the shard's StartingHashKey ${p.start} and less than the shard's EndingHashKey ${p.end}.`,
      );
    }
    this.#requireActiveForReshard(s);
    this.#checkLimit(1);
    const children = splitChildren(
      p.meta,
      newStartingHashKey,
      nextShardIndex(s.meta.shards),
      this.#clock.now(),
    );
    await this.#beginUpdate(s, () => this.#reshard(s, [p], children));
  }

  /** MergeShards: both parents close; the child covers their union (ParentShardId = ShardToMerge). */
  async merge(stream: string, givenShardId: string, givenAdjacentId: string): Promise<void> {
    const shardId = this.shardIdFrom(givenShardId, stream);
    const adjacentShardId = this.shardIdFrom(givenAdjacentId, stream);
    const s = this.stream(stream);
    const a = this.#requireOpen(s, shardId);
    const b = this.#requireOpen(s, adjacentShardId);
    // The pair must be given in hash key order: AWS refuses the adjacent shard below the shard to merge as not
    // adjacent (recorded in kinesalite's MergeShards test "adjacency is inverted"); its API reference is silent.
    if (!areAdjacent(a.meta, b.meta) || a.start > b.start) {
      throw InvalidArgument(
        `Shards ${shardId} and ${adjacentShardId} in stream ${stream} under account ${this.account} are not an adjacent pair of shards eligible for merging`,
      );
    }
    this.#requireActiveForReshard(s);
    const child = mergeChild(a.meta, b.meta, nextShardIndex(s.meta.shards), this.#clock.now());
    await this.#beginUpdate(s, () => this.#reshard(s, [a, b], [child]));
  }

  /**
   * UpdateShardCount (UNIFORM_SCALING): close every open shard and open `target` evenly sized ones
   * (reshard.ts: uniformChildren). Returns the open shard count before.
   */
  async updateShardCount(stream: string, target: number): Promise<number> {
    const s = this.stream(stream);
    this.#requireVisible(s);
    this.#requireActiveForReshard(s);
    const parents = [...s.openShards()];
    const current = parents.length;
    checkShardCountTarget(current, target);
    this.#checkLimit(target - current);
    const children = uniformChildren(
      parents.map((p) => p.meta),
      target,
      nextShardIndex(s.meta.shards),
      this.#clock.now(),
    );
    await this.#beginUpdate(s, () => this.#reshard(s, parents, children));
    return current;
  }

  #checkLimit(extra: number): void {
    checkShardLimit(this.#limitScope(), this.openShardCount(), extra);
  }

  #limitScope(): LimitScope {
    return { account: this.account, region: this.#ctx.options.region };
  }

  async #beginUpdate(s: Stream, apply: () => Promise<void>): Promise<void> {
    s.meta.status = 'UPDATING';
    await this.#persist(s);
    this.#events.emit('status', { stream: s.meta.name, status: 'UPDATING' });
    this.#transitions.schedule(apply);
  }
}
