import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { Store } from '../store/store.js';
import { logGroupExists, logGroupNotFound, logStreamExists, logStreamNotFound } from './errors.js';
import {
  eventSize,
  type Block,
  type GroupRecord,
  type LogEvent,
  type StoredEvent,
  type StreamRecord,
} from './model.js';

const GROUPS = 'logs-group';
const STREAMS = 'logs-stream';
const DAY_MS = 86_400_000;

/** A log stream as the store keeps it: its record, and what its blocks hold (learnt at start, kept up to date). */
export interface StreamState {
  readonly rec: StreamRecord;
  /** Index of the first event kept (earlier ones were removed by retention or the size cap). */
  firstIndex: number;
  /** Index the next event gets. */
  nextIndex: number;
  /** Events below this index are written (readers never look past it). */
  committed: number;
  /** Bytes of the events kept (AWS's event size: UTF-8 message + 26). */
  bytes: number;
  firstEventTimestamp: number | undefined;
  lastEventTimestamp: number | undefined;
  lastIngestionTime: number | undefined;
  /** The appends in flight (a deleted stream's log is dropped after them). */
  writing: Promise<void>;
  deleted: boolean;
}

export interface GroupState {
  rec: GroupRecord;
  readonly streams: Map<string, StreamState>;
}

/**
 * Log groups, their streams and events, durable in the store: groups and streams are documents, each stream's
 * events an append-only log of blocks (one block per append: a PutLogEvents call, or a burst of a function's
 * lines), keyed by the index of the block's first event. The catalog and each stream's bounds and size are kept
 * in memory (read back at start); events are read from the store. Retention (`sweep`) and the global size cap
 * (`maxStoredBytes`, the oldest blocks first) remove whole blocks from the front of a stream.
 */
export class LogStore {
  readonly #store: Store;
  readonly #log: Logger;
  readonly #maxBytes: number;
  readonly #groups = new Map<string, GroupState>();
  #totalBytes = 0;
  /** Removals run one at a time (the sweep and the cap decide on the same in-memory bounds). */
  #maintenance: Promise<void> = Promise.resolve();

  constructor(store: Store, log: Logger, opts: { maxStoredBytes: number }) {
    this.#store = store;
    this.#log = log;
    this.#maxBytes = opts.maxStoredBytes;
  }

  get totalBytes(): number {
    return this.#totalBytes;
  }

  /** Resolves once the sizes of the events stored before the start are counted (see `start`). */
  #measured: Promise<void> = Promise.resolve();

  /**
   * Reads the catalog and each stream's bounds back from the store (two blocks a stream: the server is ready at
   * once); the events' sizes are counted in the background, ahead of any removal, in `measured()`.
   */
  start(): void {
    for (const { doc } of this.#store.listDocs<GroupRecord>(GROUPS))
      this.#groups.set(doc.name, { rec: doc, streams: new Map() });
    const loaded = new Map<StreamState, number>();
    for (const { id, doc } of this.#store.listDocs<StreamRecord>(STREAMS)) {
      const group = this.#groups.get(doc.group);
      if (!group) {
        // Its group's deletion was interrupted between documents: finish it.
        void this.#store
          .dropLog(doc.log)
          .then(() => this.#store.deleteDoc(STREAMS, id))
          .catch((err: unknown) =>
            this.#log.error({ err, stream: id }, 'removing an orphaned log stream failed'),
          );
        continue;
      }
      const s = this.#bounds(doc);
      group.streams.set(doc.name, s);
      loaded.set(s, s.nextIndex);
    }
    this.#measured = this.#serial(() => this.#measure(loaded));
    this.#measured
      .then(() => this.#enforceCap())
      .catch((err: unknown) => this.#log.error({ err }, 'counting the stored log events failed'));
  }

  /** Resolves once every stored event is counted in the sizes (DescribeLogGroups' storedBytes waits for it). */
  measured(): Promise<void> {
    return this.#measured;
  }

  /** A stream's state from its first and last blocks. */
  #bounds(rec: StreamRecord): StreamState {
    const s = newState(rec);
    const first = this.#store.firstSeq(rec.log);
    const last = this.#store.lastSeq(rec.log);
    if (first === undefined || last === undefined) return s;
    const head = this.#store.read<Block>(rec.log, first, 1)[0];
    const tail = this.#store.floor<Block>(rec.log, last);
    if (!head || !tail) return s;
    s.firstIndex = first;
    s.nextIndex = s.committed = tail.seq + tail.value.e.length;
    s.firstEventTimestamp = head.value.min;
    s.lastEventTimestamp = tail.value.max;
    s.lastIngestionTime = tail.value.e[tail.value.e.length - 1]?.[1];
    return s;
  }

  /** Adds the sizes of the blocks each stream had at the start (below `loaded`'s index), yielding between reads. */
  async #measure(loaded: Map<StreamState, number>): Promise<void> {
    for (const [s, end] of loaded) {
      let bytes = 0;
      let newest = s.lastEventTimestamp ?? -Infinity;
      for (let seq = s.firstIndex; seq < end;) {
        const blocks = this.#store.read<Block>(s.rec.log, seq, 256);
        if (blocks.length === 0) break;
        for (const b of blocks) {
          if (b.seq >= end) break;
          bytes += b.value.bytes;
          newest = Math.max(newest, b.value.max);
          seq = b.seq + b.value.e.length;
        }
        if (blocks[blocks.length - 1]!.seq >= end) break;
        await new Promise((resolve) => setImmediate(resolve));
      }
      if (s.deleted) continue;
      s.bytes += bytes;
      this.#totalBytes += bytes;
      if (Number.isFinite(newest)) s.lastEventTimestamp = newest;
    }
  }

  // ---- groups -----------------------------------------------------------------------------------------------

  /** Every group, ordered by name (ASCII, as DescribeLogGroups lists them). */
  groups(): GroupState[] {
    return [...this.#groups.values()].sort((a, b) => cmp(a.rec.name, b.rec.name));
  }

  group(name: string): GroupState | undefined {
    return this.#groups.get(name);
  }

  /** The group, or ResourceNotFoundException. */
  mustGroup(name: string): GroupState {
    const g = this.#groups.get(name);
    if (!g) throw logGroupNotFound();
    return g;
  }

  groupBytes(g: GroupState): number {
    let n = 0;
    for (const s of g.streams.values()) n += s.bytes;
    return n;
  }

  async createGroup(name: string, now: number, tags?: Record<string, string>): Promise<GroupState> {
    if (this.#groups.has(name)) throw logGroupExists();
    const rec: GroupRecord = { name, creationTime: now };
    if (tags && Object.keys(tags).length > 0) rec.tags = { ...tags };
    const g: GroupState = { rec, streams: new Map() };
    this.#groups.set(name, g);
    await this.#store.putDoc(GROUPS, name, g.rec);
    return g;
  }

  async deleteGroup(name: string): Promise<void> {
    const g = this.mustGroup(name);
    this.#groups.delete(name);
    // The group's document goes first: streams left by a crash in between are removed at the next start.
    await this.#store.deleteDoc(GROUPS, name);
    await Promise.all([...g.streams.values()].map((s) => this.#dropStream(s)));
  }

  /** Sets (days) or removes (undefined) the group's retention; expired events go at once. */
  async setRetention(name: string, days: number | undefined, now: number): Promise<void> {
    const g = await this.#update(name, (rec) => {
      if (days === undefined) delete rec.retentionInDays;
      else rec.retentionInDays = days;
    });
    if (days !== undefined) await this.sweep(now, g);
  }

  /** Adds or replaces tags (`set`) and removes the keys `remove`; at most `max` tags result, else `tooMany`. */
  async tag(name: string, set: Record<string, string>, remove: readonly string[]): Promise<void> {
    await this.#update(name, (rec) => {
      const tags = { ...rec.tags, ...set };
      for (const k of remove) delete tags[k];
      if (Object.keys(tags).length > 0) rec.tags = tags;
      else delete rec.tags;
    });
  }

  /** Changes a copy of the group's record, stores it, then makes it the group's. */
  async #update(name: string, change: (rec: GroupRecord) => void): Promise<GroupState> {
    const g = this.mustGroup(name);
    const rec: GroupRecord = { ...g.rec };
    change(rec);
    await this.#store.putDoc(GROUPS, name, rec);
    g.rec = rec;
    return g;
  }

  // ---- streams ----------------------------------------------------------------------------------------------

  /** The group's streams, ordered by name. */
  streams(g: GroupState): StreamState[] {
    return [...g.streams.values()].sort((a, b) => cmp(a.rec.name, b.rec.name));
  }

  /** The stream, or ResourceNotFoundException (for the group first). */
  mustStream(group: string, stream: string): StreamState {
    const s = this.mustGroup(group).streams.get(stream);
    if (!s) throw logStreamNotFound();
    return s;
  }

  async createStream(group: string, name: string, now: number): Promise<StreamState> {
    const g = this.mustGroup(group);
    if (g.streams.has(name)) throw logStreamExists();
    // A fresh log per stream: a re-created stream never sees its predecessor's events.
    const rec: StreamRecord = {
      group,
      name,
      creationTime: now,
      log: `logs-events/${randomBytes(8).toString('hex')}`,
    };
    const s = newState(rec);
    g.streams.set(name, s);
    await this.#store.putDoc(STREAMS, streamId(group, name), rec);
    return s;
  }

  async deleteStream(group: string, name: string): Promise<void> {
    const g = this.mustGroup(group);
    const s = g.streams.get(name);
    if (!s) throw logStreamNotFound();
    g.streams.delete(name);
    await this.#dropStream(s);
  }

  async #dropStream(s: StreamState): Promise<void> {
    s.deleted = true;
    this.#totalBytes -= s.bytes;
    s.bytes = 0;
    await s.writing;
    // The events first: a crash in between leaves an empty stream (or, its group gone, one removed at the next
    // start), never events no document leads to.
    await this.#store.dropLog(s.rec.log);
    await this.#store.deleteDoc(STREAMS, streamId(s.rec.group, s.rec.name));
  }

  // ---- events -----------------------------------------------------------------------------------------------

  /**
   * Appends events (in the order given) as one block, durable when it resolves. The indices are taken at once,
   * so appends to one stream keep their call order.
   */
  async append(s: StreamState, events: ReadonlyArray<LogEvent>, ingestionTime: number): Promise<void> {
    if (events.length === 0 || s.deleted) return;
    let bytes = 0;
    let min = Infinity;
    let max = -Infinity;
    const e: StoredEvent[] = [];
    for (const ev of events) {
      bytes += eventSize(ev.message);
      min = Math.min(min, ev.timestamp);
      max = Math.max(max, ev.timestamp);
      e.push([ev.timestamp, ingestionTime, ev.message]);
    }
    const seq = s.nextIndex;
    s.nextIndex += e.length;
    s.bytes += bytes;
    this.#totalBytes += bytes;
    s.firstEventTimestamp ??= min;
    s.lastEventTimestamp = Math.max(s.lastEventTimestamp ?? max, max);
    s.lastIngestionTime = ingestionTime;
    const block: Block = { min, max, bytes, e };
    const write = s.writing.then(() => this.#store.append(s.rec.log, [{ seq, value: block }]));
    const done = write.then(
      () => {
        s.committed = Math.max(s.committed, seq + e.length);
      },
      () => undefined,
    );
    s.writing = done;
    await write;
    await done;
    // Past the cap, the append answers once the oldest events are gone: disk use never runs ahead of it.
    await this.#enforceCap();
  }

  /** The block holding event `index`, or the first one after it (when it was removed), with its first index. */
  blockAt(s: StreamState, index: number): { seq: number; block: Block } | undefined {
    const at = Math.max(index, s.firstIndex);
    if (at >= s.committed) return undefined;
    const floor = this.#store.floor<Block>(s.rec.log, at);
    const b =
      floor && floor.seq + floor.value.e.length > at ? floor : this.#store.read<Block>(s.rec.log, at, 1)[0];
    return b && b.seq < s.committed ? { seq: b.seq, block: b.value } : undefined;
  }

  /** The last block starting at or before `index` (holding it, or before the gap it is in). */
  blockBefore(s: StreamState, index: number): { seq: number; block: Block } | undefined {
    if (index < s.firstIndex) return undefined;
    const b = this.#store.floor<Block>(s.rec.log, Math.min(index, s.committed - 1));
    return b && b.seq >= s.firstIndex ? { seq: b.seq, block: b.value } : undefined;
  }

  /** The blocks from the one holding `index` on, in order, `count` at most. */
  blocksFrom(s: StreamState, index: number, count: number): Array<{ seq: number; block: Block }> {
    const first = this.blockAt(s, index);
    if (!first) return [];
    const out = [first];
    const rest = this.#store.read<Block>(s.rec.log, first.seq + 1, count - 1);
    for (const b of rest) if (b.seq < s.committed) out.push({ seq: b.seq, block: b.value });
    return out;
  }

  // ---- retention and the size cap ------------------------------------------------------------------------

  /**
   * Removes, in every group with a retention policy, the blocks whose newest event is older than it, from the
   * front of each stream (where the oldest are: function lines arrive in time order, and PutLogEvents refuses
   * events already past the retention). `all` (a policy just set): every expired block of that group, wherever
   * it is in its stream.
   */
  sweep(now: number, all?: GroupState): Promise<void> {
    return this.#serial(async () => {
      for (const g of all ? [all] : this.#groups.values()) {
        const days = g.rec.retentionInDays;
        if (days === undefined) continue;
        const cutoff = now - days * DAY_MS;
        for (const s of g.streams.values()) {
          for (;;) {
            const head = this.blockAt(s, s.firstIndex);
            if (!head || head.block.max >= cutoff) break;
            await this.#dropHead(s, head);
          }
          if (all) await this.#dropExpired(s, cutoff);
        }
      }
    });
  }

  /** Removes every block of the stream whose newest event is older than `cutoff` (the head is not one). */
  async #dropExpired(s: StreamState, cutoff: number): Promise<void> {
    let at = s.firstIndex;
    for (;;) {
      const blocks = this.#store.read<Block>(s.rec.log, at, 256);
      if (blocks.length === 0) return;
      for (const b of blocks) {
        at = b.seq + 1;
        if (b.seq >= s.committed || b.value.max >= cutoff) continue;
        s.bytes -= b.value.bytes;
        this.#totalBytes -= b.value.bytes;
        await this.#store.remove(s.rec.log, b.seq);
      }
    }
  }

  /** Past the cap, removes the oldest blocks (by their oldest event) until 90% of it is used. */
  #enforceCap(): Promise<void> {
    if (this.#totalBytes <= this.#maxBytes) return Promise.resolve();
    return this.#serial(async () => {
      const target = Math.floor(this.#maxBytes * 0.9);
      while (this.#totalBytes > target) {
        let oldest: { s: StreamState; head: { seq: number; block: Block } } | undefined;
        for (const g of this.#groups.values())
          for (const s of g.streams.values()) {
            const head = this.blockAt(s, s.firstIndex);
            if (head && (!oldest || head.block.min < oldest.head.block.min)) oldest = { s, head };
          }
        if (!oldest) break;
        await this.#dropHead(oldest.s, oldest.head);
      }
    }).catch((err: unknown) => this.#log.error({ err }, 'removing log events past maxStoredBytes failed'));
  }

  async #dropHead(s: StreamState, head: { seq: number; block: Block }): Promise<void> {
    const next = head.seq + head.block.e.length;
    s.firstIndex = next;
    s.bytes -= head.block.bytes;
    this.#totalBytes -= head.block.bytes;
    s.firstEventTimestamp = this.blockAt(s, next)?.block.min;
    await this.#store.trim(s.rec.log, next);
  }

  #serial(task: () => Promise<void>): Promise<void> {
    const run = this.#maintenance.then(task);
    // The next removal runs whatever this one did; its caller hears of its failure.
    this.#maintenance = run.catch(() => undefined);
    return run;
  }

  /** Waits for the removals under way (close). */
  async idle(): Promise<void> {
    await this.#maintenance;
    await Promise.all(
      [...this.#groups.values()].flatMap((g) => [...g.streams.values()].map((s) => s.writing)),
    );
  }
}

function newState(rec: StreamRecord): StreamState {
  return {
    rec,
    firstIndex: 0,
    nextIndex: 0,
    committed: 0,
    bytes: 0,
    firstEventTimestamp: undefined,
    lastEventTimestamp: undefined,
    lastIngestionTime: undefined,
    writing: Promise.resolve(),
    deleted: false,
  };
}

/** Group names cannot hold ':' (their pattern is `[.\-_/#A-Za-z0-9]+`), so this id is unambiguous. */
function streamId(group: string, stream: string): string {
  return `${group}:${stream}`;
}

/** ASCII (UTF-16 code unit) order, as AWS sorts names. */
function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
