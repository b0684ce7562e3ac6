import { EventEmitter } from 'node:events';
import type { AppContext } from '../server/context.js';
import { arn } from '../server/context.js';
import {
  AwsError,
  InvalidArgument,
  LimitExceeded,
  ResourceInUse,
  ResourceNotFound,
} from '../server/errors.js';
import { evenRanges, hashPartitionKey, MAX_HASH_KEY } from './hash-keys.js';
import type { KinesisRecord, ShardMeta, StreamMeta, StreamMode } from './model.js';
import type { BlockEntry } from './record-block.js';
import { formatSequenceNumber, sequencePrefix } from './sequence-numbers.js';
import { StoredRecord } from './stored-record.js';
import { BlockCache } from './block-cache.js';
import { ShardLog, type ScanResult } from './shard-log.js';

const NS = 'kinesis.stream';
/** Records are kept at least this long after a put (retention is checked once a minute). */
const TRIM_INTERVAL_MS = 60_000;
/** AWS's default shard limit per account/region (DescribeLimits). */
export const SHARD_LIMIT = 500;
export const ON_DEMAND_STREAM_LIMIT = 50;

/** Events the registry emits; the mapping engine and SubscribeToShard wake on `append`. */
export interface StreamRegistryEvents {
  /** Records became durable and readable in a shard. */
  append: [{ stream: string; shardId: string; lastPosition: number }];
  /** Shards were closed/created (split, merge, UpdateShardCount) or dropped (closed past the retention period). */
  reshard: [{ stream: string }];
  /** A stream finished being deleted. */
  deleted: [{ stream: string; arn: string }];
  /** A stream changed status. */
  status: [{ stream: string; status: StreamMeta['status'] }];
  /** A put became durable: IncomingRecords / IncomingBytes (data + partition keys) of the AWS/Kinesis metrics. */
  incoming: [{ stream: string; records: number; bytes: number }];
  /** A GetRecords call answered (emitted by the GetRecords action): GetRecords.* metrics. */
  getRecords: [{ stream: string; records: number; bytes: number; millisBehindLatest: number }];
}

export interface PutEntry {
  data: Uint8Array;
  partitionKey: string;
  explicitHashKey?: bigint;
}

export interface PutResult {
  shardId: string;
  sequenceNumber: string;
}

/** Live state of a shard besides its persisted metadata. */
interface ShardState {
  meta: ShardMeta;
  log: ShardLog;
  /** Next position to assign. */
  next: number;
  /** Highest durable (readable) position, or startPosition - 1. */
  committed: number;
  lastArrival: number;
  start: bigint;
  end: bigint;
}

interface StreamState {
  meta: StreamMeta;
  shards: Map<string, ShardState>;
  /** Open shards sorted by starting hash key, for routing puts. */
  open: ShardState[];
}

/**
 * All streams, their shards and records. Metadata is held in memory and written through to the store;
 * records go straight to the store's per-shard logs.
 */
export class StreamRegistry extends EventEmitter<StreamRegistryEvents> {
  readonly #ctx: AppContext;
  readonly #streams = new Map<string, StreamState>();
  readonly #timers = new Set<NodeJS.Timeout>();
  /** Decoded blocks kept by all shard logs, bounded together. */
  readonly #blocks = new BlockCache();
  #trimTimer: NodeJS.Timeout | undefined;

  /** The clock arrival times, creation and closing times are read from (a virtual one in engine tests). */
  readonly #now: () => number;
  #lastCreatedAt = 0;

  constructor(ctx: AppContext, now: () => number = Date.now) {
    super();
    this.setMaxListeners(0);
    this.#ctx = ctx;
    this.#now = now;
    for (const { doc } of ctx.store.listDocs<StreamMeta>(NS)) this.#load(doc);
  }

  start(): void {
    this.#trimTimer = setInterval(() => void this.trimExpired(), TRIM_INTERVAL_MS);
    this.#trimTimer.unref();
    // Streams left in a transitional state by a crash finish their transition now.
    for (const s of this.#streams.values()) {
      // An interrupted reshard was never applied (it is applied in one persisted step), so it is dropped.
      if (s.meta.status === 'CREATING') this.#after(0, () => this.#finishCreate(s));
      if (s.meta.status === 'UPDATING') this.#after(0, () => this.#setStatus(s, 'ACTIVE'));
      if (s.meta.status === 'DELETING') this.#after(0, () => this.#finishDelete(s));
    }
    void this.trimExpired();
  }

  close(): void {
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    if (this.#trimTimer) clearInterval(this.#trimTimer);
  }

  get account(): string {
    return this.#ctx.options.account;
  }

  #load(meta: StreamMeta): StreamState {
    const state: StreamState = { meta, shards: new Map(), open: [] };
    this.#lastCreatedAt = Math.max(this.#lastCreatedAt, meta.createdAt);
    for (const m of meta.shards) {
      const log = new ShardLog(
        this.#ctx.store,
        `kin/${meta.name}/${meta.createdAt}/${m.index}`,
        this.#blocks,
      );
      const lastBlock = log.lastBlock();
      const committed = lastBlock?.last ?? m.startPosition - 1;
      const sh: ShardState = {
        meta: m,
        log,
        next: committed + 1,
        committed,
        lastArrival: lastBlock?.arrival ?? 0,
        start: BigInt(m.startingHashKey),
        end: BigInt(m.endingHashKey),
      };
      state.shards.set(m.shardId, sh);
    }
    this.#reindexOpen(state);
    this.#streams.set(meta.name, state);
    return state;
  }

  #reindexOpen(state: StreamState): void {
    state.open = [...state.shards.values()]
      .filter((s) => s.meta.endPosition === undefined)
      .sort((a, b) => (a.start < b.start ? -1 : 1));
  }

  #after(ms: number, fn: () => Promise<void> | void): void {
    const t = setTimeout(() => {
      this.#timers.delete(t);
      void Promise.resolve(fn()).catch((err: unknown) =>
        this.#ctx.log.error({ err }, 'stream transition failed'),
      );
    }, ms);
    this.#timers.add(t);
  }

  /** Runs `fn` after the configured transition delay; synchronously when the delay is 0. */
  async #transition(fn: () => Promise<void>): Promise<void> {
    const delay = this.#ctx.options.transitionDelayMs;
    if (delay === 0) await fn();
    else this.#after(delay, fn);
  }

  async #persist(s: StreamState): Promise<void> {
    await this.#ctx.store.putDoc(NS, s.meta.name, s.meta);
  }

  async #setStatus(s: StreamState, status: StreamMeta['status']): Promise<void> {
    if (this.#streams.get(s.meta.name) !== s) return;
    s.meta.status = status;
    await this.#persist(s);
    this.emit('status', { stream: s.meta.name, status });
  }

  // ---- lookups ---------------------------------------------------------------------------

  list(): StreamMeta[] {
    return [...this.#streams.values()].map((s) => s.meta).sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  /** Resolves StreamName or StreamARN; throws AWS's ResourceNotFoundException. */
  get(name: string): StreamMeta {
    return this.#state(name).meta;
  }

  has(name: string): boolean {
    return this.#streams.has(name);
  }

  /** The stream, or undefined when there is none by that name (readers that must not throw). */
  find(name: string): StreamMeta | undefined {
    return this.#streams.get(name)?.meta;
  }

  /** The shard, or undefined when the stream or shard does not exist. */
  findShard(stream: string, shardId: string): ShardMeta | undefined {
    return this.#streams.get(stream)?.shards.get(shardId)?.meta;
  }

  nameFromArn(streamArn: string): string | undefined {
    const m = /^arn:aws[\w-]*:kinesis:[^:]*:\d{12}:stream\/([^/]+)$/.exec(streamArn);
    return m?.[1];
  }

  streamArn(name: string): string {
    return arn(this.#ctx, 'kinesis', `stream/${name}`);
  }

  #state(name: string): StreamState {
    const s = this.#streams.get(name);
    if (!s) throw ResourceNotFound(`Stream ${name} under account ${this.account} not found.`);
    return s;
  }

  /**
   * Most operations (PutRecord, DeleteStream, tags, retention, UpdateShardCount) do not see a stream
   * that is still CREATING or already DELETING: AWS answers ResourceNotFoundException for them.
   */
  #requireVisible(s: StreamState): void {
    if (s.meta.status === 'CREATING' || s.meta.status === 'DELETING') {
      throw ResourceNotFound(`Stream ${s.meta.name} under account ${this.account} not found.`);
    }
  }

  /** The stream, unless it is missing, CREATING or DELETING (ResourceNotFoundException). */
  getVisible(name: string): StreamMeta {
    const s = this.#state(name);
    this.#requireVisible(s);
    return s.meta;
  }

  #shard(s: StreamState, shardId: string): ShardState {
    const sh = s.shards.get(shardId);
    if (!sh) {
      throw ResourceNotFound(
        `Shard ${shardId} in stream ${s.meta.name} under account ${this.account} does not exist`,
      );
    }
    return sh;
  }

  shard(stream: string, shardId: string): ShardMeta {
    return this.#shard(this.#state(stream), shardId).meta;
  }

  /** Sequence number of a position in a shard. */
  sequenceNumber(stream: string, shardId: string, position: number): string {
    const s = this.#state(stream);
    return formatSequenceNumber(this.#shard(s, shardId).meta.index, s.meta.createdAt, position);
  }

  /** Visible positions of a shard: [first, last]; last < first when empty. */
  bounds(
    stream: string,
    shardId: string,
  ): { first: number; last: number; closed: boolean; lastArrival: number } {
    const s = this.#state(stream);
    const sh = this.#shard(s, shardId);
    const first = sh.log.first() ?? sh.committed + 1;
    return {
      first: Math.min(first, sh.committed + 1),
      last: sh.committed,
      closed: sh.meta.endPosition !== undefined,
      lastArrival: sh.lastArrival,
    };
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
    if (mode === 'ON_DEMAND' && this.onDemandStreamCount() >= ON_DEMAND_STREAM_LIMIT) {
      throw LimitExceeded(
        `This request would exceed the on-demand stream limit for the account ${this.account} in ${this.#ctx.options.region}. Limit: ${ON_DEMAND_STREAM_LIMIT}.`,
      );
    }
    // The creation time is the stream's identity (and sequence-number salt): a stream created again under a
    // deleted one's name in the same millisecond still gets a new one.
    const createdAt = Math.max(this.#now(), this.#lastCreatedAt + 1);
    this.#lastCreatedAt = createdAt;
    const shards: ShardMeta[] = evenRanges(shardCount).map(([s, e], index) => ({
      index,
      shardId: shardIdOf(index),
      startingHashKey: s.toString(),
      endingHashKey: e.toString(),
      startPosition: 0,
      createdAt,
    }));
    const meta: StreamMeta = {
      name,
      arn: this.streamArn(name),
      createdAt,
      status: 'CREATING',
      mode,
      retentionHours: 24,
      shards,
      tags,
      consumers: [],
      encryptionType: 'NONE',
    };
    const state = this.#load(meta);
    await this.#persist(state);
    this.emit('status', { stream: name, status: 'CREATING' });
    await this.#transition(() => this.#finishCreate(state));
  }

  /** CREATING -> ACTIVE, unless the stream was deleted meanwhile. */
  async #finishCreate(s: StreamState): Promise<void> {
    if (s.meta.status === 'CREATING') await this.#setStatus(s, 'ACTIVE');
  }

  /** DeleteStream: DELETING now, gone after the transition delay. */
  async delete(name: string): Promise<void> {
    const s = this.#state(name);
    this.#requireVisible(s);
    s.meta.status = 'DELETING';
    await this.#persist(s);
    this.emit('status', { stream: name, status: 'DELETING' });
    await this.#transition(() => this.#finishDelete(s));
  }

  async #finishDelete(s: StreamState): Promise<void> {
    if (this.#streams.get(s.meta.name) !== s) return;
    this.#streams.delete(s.meta.name);
    await this.#ctx.store.deleteDoc(NS, s.meta.name);
    this.emit('deleted', { stream: s.meta.name, arn: s.meta.arn });
    for (const sh of s.shards.values()) await sh.log.drop();
  }

  /** Applies a metadata change that needs no transition (tags, retention, consumers). */
  async update(name: string, change: (meta: StreamMeta) => void): Promise<void> {
    const s = this.#state(name);
    change(s.meta);
    await this.#persist(s);
  }

  openShardCount(): number {
    let n = 0;
    for (const s of this.#streams.values()) n += s.open.length;
    return n;
  }

  /** Streams in ON_DEMAND mode (DescribeLimits). */
  onDemandStreamCount(): number {
    let n = 0;
    for (const s of this.#streams.values()) if (s.meta.mode === 'ON_DEMAND') n++;
    return n;
  }

  // ---- records -------------------------------------------------------------------------------

  #route(s: StreamState, hash: bigint): ShardState {
    const open = s.open;
    let lo = 0;
    let hi = open.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (open[mid]!.start <= hash) lo = mid;
      else hi = mid - 1;
    }
    return open[lo]!;
  }

  /** Appends records; resolves once they are durable. Results are in request order. */
  async put(stream: string, entries: ReadonlyArray<PutEntry>): Promise<PutResult[]> {
    const s = this.#state(stream);
    this.#requireVisible(s);
    const now = this.#now();
    const results: PutResult[] = [];
    // One block per shard: the records this call puts there, which share one arrival time (arrival times
    // never go backwards inside a shard, so AT_TIMESTAMP and retention can binary-search).
    const blocks = new Map<ShardState, { first: number; entries: BlockEntry[] }>();
    for (const e of entries) {
      // With one open shard every key routes to it: the MD5 can be skipped.
      const sh =
        s.open.length === 1
          ? s.open[0]!
          : this.#route(s, e.explicitHashKey ?? hashPartitionKey(e.partitionKey));
      const position = sh.next++;
      let b = blocks.get(sh);
      if (!b) blocks.set(sh, (b = { first: position, entries: [] }));
      b.entries.push(e);
      results.push({
        shardId: sh.meta.shardId,
        sequenceNumber: formatSequenceNumber(sh.meta.index, s.meta.createdAt, position),
      });
    }
    const writes: Array<Promise<number>> = [];
    for (const [sh, b] of blocks) {
      const t = Math.max(now, sh.lastArrival);
      sh.lastArrival = t;
      writes.push(sh.log.append(b.first, b.entries, t));
    }
    const blockBytes = await Promise.all(writes);
    for (const [sh, b] of blocks) {
      const last = b.first + b.entries.length - 1;
      if (last > sh.committed) sh.committed = last;
      this.emit('append', { stream, shardId: sh.meta.shardId, lastPosition: sh.committed });
    }
    const bytes = blockBytes.reduce((a, b) => a + b, 0);
    this.emit('incoming', { stream, records: entries.length, bytes });
    return results;
  }

  /**
   * Scans up to `limit` durable records from `from` on, stopping before `maxBytes` (at least one record is
   * returned when any exists): the records as slices of stored blocks, for readers that write them out
   * without building an object per record (GetRecords' JSON).
   */
  scan(stream: string, shardId: string, from: number, limit: number, maxBytes = Infinity): ScanResult {
    const s = this.#state(stream);
    const sh = this.#shard(s, shardId);
    return sh.log.scan(from, sh.committed, limit, maxBytes);
  }

  /** Like `scan`, as one object per record (a view of its block: see StoredRecord). */
  read(stream: string, shardId: string, from: number, limit: number, maxBytes = Infinity): KinesisRecord[] {
    const s = this.#state(stream);
    const sh = this.#shard(s, shardId);
    const { slices, count } = sh.log.scan(from, sh.committed, limit, maxBytes);
    const prefix = sequencePrefix(sh.meta.index, s.meta.createdAt);
    const out = new Array<KinesisRecord>(count);
    let n = 0;
    for (const { block, start, end } of slices) {
      for (let i = start; i < end; i++) out[n++] = new StoredRecord(block, i, prefix, block.first + i);
    }
    return out;
  }

  /** First position whose arrival time is >= `ms` (binary search over blocks; arrivals are monotonic). */
  positionAtTimestamp(stream: string, shardId: string, ms: number): number {
    const s = this.#state(stream);
    const sh = this.#shard(s, shardId);
    let lo = sh.log.first() ?? sh.committed + 1;
    let hi = sh.committed + 1;
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      const block = sh.log.blockFrom(mid, sh.committed);
      if (!block || block.arrival >= ms) hi = block ? Math.min(mid, block.first) : mid;
      else lo = block.last + 1;
    }
    return lo;
  }

  /** Arrival time of the record at a position (MillisBehindLatest, IteratorAge). */
  arrivalAt(stream: string, shardId: string, position: number): number | undefined {
    const s = this.#state(stream);
    const sh = this.#shard(s, shardId);
    if (position > sh.committed) return undefined;
    return sh.log.blockFrom(position, sh.committed)?.arrival;
  }

  /**
   * Removes records older than each stream's retention period, and closed shards that were closed longer
   * ago than that (AWS stops listing a closed shard once its last record has expired). `now` is a parameter
   * so tests can look a day ahead.
   */
  async trimExpired(now = this.#now()): Promise<void> {
    for (const s of [...this.#streams.values()]) {
      const cutoff = now - s.meta.retentionHours * 3_600_000;
      const expiredShards: ShardState[] = [];
      for (const sh of [...s.shards.values()]) {
        if (this.#streams.get(s.meta.name) !== s) break;
        const keepFrom = this.positionAtTimestamp(s.meta.name, sh.meta.shardId, cutoff);
        const first = sh.log.first();
        if (first !== undefined && keepFrom > first) await sh.log.trim(keepFrom);
        if (
          sh.meta.closedAt !== undefined &&
          sh.meta.closedAt < cutoff &&
          sh.committed >= (sh.meta.endPosition ?? 0)
        ) {
          expiredShards.push(sh);
        }
      }
      if (expiredShards.length > 0 && this.#streams.get(s.meta.name) === s) {
        for (const sh of expiredShards) s.shards.delete(sh.meta.shardId);
        s.meta.shards = s.meta.shards.filter((m) => s.shards.has(m.shardId));
        await this.#persist(s);
        // Readers holding one of these shards re-list the stream's shards.
        this.emit('reshard', { stream: s.meta.name });
        for (const sh of expiredShards) await sh.log.drop();
      }
    }
  }

  // ---- resharding ----------------------------------------------------------------------------

  #requireActiveForReshard(s: StreamState): void {
    if (s.meta.mode === 'ON_DEMAND') {
      // Resharding APIs are for provisioned streams only; AWS scales on-demand streams itself.
      throw new AwsError(
        'ValidationException',
        `Request is invalid. Stream ${s.meta.name} under account ${this.account} is in On-Demand mode.`,
      );
    }
    if (s.meta.status !== 'ACTIVE') {
      throw ResourceInUse(
        `Stream ${s.meta.name} under account ${this.account} not ACTIVE, instead in state ${s.meta.status}`,
      );
    }
  }

  /** A shard to split or merge: it must exist and still be open. */
  #requireOpen(s: StreamState, shardId: string): ShardState {
    const sh = s.shards.get(shardId);
    if (!sh)
      throw ResourceNotFound(
        `Could not find shard ${shardId} in stream ${s.meta.name} under account ${this.account}.`,
      );
    if (sh.meta.endPosition !== undefined) {
      throw InvalidArgument(
        `Shard ${shardId} in stream ${s.meta.name} under account ${this.account} has already been merged or split, and thus is not eligible for merging or splitting.`,
      );
    }
    return sh;
  }

  #nextIndex(s: StreamState): number {
    let max = -1;
    for (const sh of s.shards.values()) max = Math.max(max, sh.meta.index);
    return max + 1;
  }

  /**
   * Closes `parents` and opens `children` atomically (in memory), then persists. Skipped when the stream
   * was deleted (or re-created) during the UPDATING delay.
   */
  async #reshard(s: StreamState, parents: ShardState[], children: ShardMeta[]): Promise<void> {
    if (this.#streams.get(s.meta.name) !== s || s.meta.status !== 'UPDATING') return;
    const now = this.#now();
    for (const p of parents) {
      p.meta.endPosition = p.next - 1;
      p.meta.closedAt = now;
    }
    for (const c of children) {
      const log = new ShardLog(
        this.#ctx.store,
        `kin/${s.meta.name}/${s.meta.createdAt}/${c.index}`,
        this.#blocks,
      );
      s.meta.shards.push(c);
      s.shards.set(c.shardId, {
        meta: c,
        log,
        next: 0,
        committed: -1,
        lastArrival: now,
        start: BigInt(c.startingHashKey),
        end: BigInt(c.endingHashKey),
      });
    }
    this.#reindexOpen(s);
    s.meta.status = 'ACTIVE';
    await this.#persist(s);
    this.emit('reshard', { stream: s.meta.name });
    this.emit('status', { stream: s.meta.name, status: 'ACTIVE' });
  }

  /** SplitShard: the parent closes; children get [start, key-1] and [key, end]. */
  async split(stream: string, shardId: string, newStartingHashKey: bigint): Promise<void> {
    const s = this.#state(stream);
    const p = this.#requireOpen(s, shardId);
    // AWS's own wording of the rule: start + 1 < key < end.
    if (newStartingHashKey <= p.start + 1n || newStartingHashKey >= p.end) {
      throw InvalidArgument(
        `NewStartingHashKey ${newStartingHashKey} used in SplitShard() on shard ${shardId} in stream ${stream} under account ${this.account} is not both greater than one plus the shard's StartingHashKey ${p.start} and less than the shard's EndingHashKey ${p.end}.`,
      );
    }
    this.#requireActiveForReshard(s);
    this.#checkLimit(1);
    const i = this.#nextIndex(s);
    const now = this.#now();
    const children: ShardMeta[] = [
      {
        index: i,
        shardId: shardIdOf(i),
        startingHashKey: p.meta.startingHashKey,
        endingHashKey: (newStartingHashKey - 1n).toString(),
        parentShardId: shardId,
        startPosition: 0,
        createdAt: now,
      },
      {
        index: i + 1,
        shardId: shardIdOf(i + 1),
        startingHashKey: newStartingHashKey.toString(),
        endingHashKey: p.meta.endingHashKey,
        parentShardId: shardId,
        startPosition: 0,
        createdAt: now,
      },
    ];
    await this.#beginUpdate(s, () => this.#reshard(s, [p], children));
  }

  /** MergeShards: both parents close; the child covers their union (ParentShardId = ShardToMerge). */
  async merge(stream: string, shardId: string, adjacentShardId: string): Promise<void> {
    const s = this.#state(stream);
    const a = this.#requireOpen(s, shardId);
    const b = this.#requireOpen(s, adjacentShardId);
    const [lo, hi] = a.start < b.start ? [a, b] : [b, a];
    if (a === b || lo.end + 1n !== hi.start) {
      throw InvalidArgument(
        `Shards ${shardId} and ${adjacentShardId} in stream ${stream} under account ${this.account} are not an adjacent pair of shards eligible for merging`,
      );
    }
    this.#requireActiveForReshard(s);
    const i = this.#nextIndex(s);
    const child: ShardMeta = {
      index: i,
      shardId: shardIdOf(i),
      startingHashKey: lo.meta.startingHashKey,
      endingHashKey: hi.meta.endingHashKey,
      parentShardId: shardId,
      adjacentParentShardId: adjacentShardId,
      startPosition: 0,
      createdAt: this.#now(),
    };
    await this.#beginUpdate(s, () => this.#reshard(s, [a, b], [child]));
  }

  /**
   * UpdateShardCount (UNIFORM_SCALING): close every open shard and open `target` evenly sized ones. AWS gets
   * there through splits and merges (with short-lived intermediate shards); we go in one step, so a child
   * can overlap more than two parents: `parents` lists them all (ChildShards reports them), while
   * ParentShardId/AdjacentParentShardId carry the first two. Returns the open shard count before.
   */
  async updateShardCount(stream: string, target: number): Promise<number> {
    const s = this.#state(stream);
    this.#requireVisible(s);
    this.#requireActiveForReshard(s);
    const current = s.open.length;
    if (target > SHARD_LIMIT) {
      throw LimitExceeded(
        `Target shard count or number of open shards cannot be greater than ${SHARD_LIMIT}. Current open shard count: ${current}, Target shard count: ${target}`,
      );
    }
    if (target > current * 2) {
      throw LimitExceeded(
        `UpdateShardCount cannot scale up over double your current open shard count. Current open shard count: ${current}, Target shard count: ${target}`,
      );
    }
    if (target * 2 < current) {
      throw LimitExceeded(
        `UpdateShardCount cannot scale down below half your current open shard count. Current open shard count: ${current}, Target shard count: ${target}`,
      );
    }
    this.#checkLimit(target - current);
    const parents = [...s.open];
    const base = this.#nextIndex(s);
    const now = this.#now();
    const children: ShardMeta[] = evenRanges(target, 0n, MAX_HASH_KEY).map(([st, en], k) => {
      const overlapping = parents.filter((p) => p.start <= en && p.end >= st).map((p) => p.meta.shardId);
      return {
        index: base + k,
        shardId: shardIdOf(base + k),
        startingHashKey: st.toString(),
        endingHashKey: en.toString(),
        parentShardId: overlapping[0],
        adjacentParentShardId: overlapping[1],
        parents: overlapping,
        startPosition: 0,
        createdAt: now,
      };
    });
    await this.#beginUpdate(s, () => this.#reshard(s, parents, children));
    return current;
  }

  #checkLimit(extra: number): void {
    if (extra > 0 && this.openShardCount() + extra > SHARD_LIMIT) throw this.#shardLimitError(extra);
  }

  #shardLimitError(extra: number): AwsError {
    return LimitExceeded(
      `This request would exceed the shard limit for the account ${this.account} in ${this.#ctx.options.region}. ` +
        `Current shard count for the account: ${this.openShardCount()}. Limit: ${SHARD_LIMIT}. ` +
        `Number of additional shards that would have resulted from this request: ${extra}. ` +
        `Refer to the AWS Service Limits page (https://docs.aws.amazon.com/general/latest/gr/aws_service_limits.html) for current limits and how to request higher limits.`,
    );
  }

  async #beginUpdate(s: StreamState, apply: () => Promise<void>): Promise<void> {
    s.meta.status = 'UPDATING';
    await this.#persist(s);
    this.emit('status', { stream: s.meta.name, status: 'UPDATING' });
    await this.#transition(apply);
  }
}

export function shardIdOf(index: number): string {
  return `shardId-${String(index).padStart(12, '0')}`;
}

/** All parents of a shard: the ids AWS reports plus any extra overlap from UpdateShardCount. */
export function parentsOf(meta: ShardMeta): string[] {
  if (meta.parents) return meta.parents;
  return [meta.parentShardId, meta.adjacentParentShardId].filter((x): x is string => x !== undefined);
}
