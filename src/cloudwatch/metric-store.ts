import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { Store } from '../store/store.js';
import { canonicalDimensions, seriesKey, type Dimension } from './dimensions.js';
import { Distribution, type DistributionJson } from './distribution.js';
import type { CompiledCloudWatchOptions } from './options.js';

export const MINUTE_MS = 60_000;
/** Store namespace: one document per minute holding every series' bucket of that minute. */
const NS = 'cloudwatch.minute';

/** One time series: a metric with an exact set of dimensions, in one-minute buckets. */
export interface Series {
  readonly key: string;
  readonly namespace: string;
  readonly metricName: string;
  /** Canonical order (by name). */
  readonly dimensions: readonly Dimension[];
  /** StandardUnit of every value in the series (Count, Milliseconds, Bytes...). */
  readonly unit: string;
  /** Bucket start (epoch ms, a whole minute) -> values in that minute. */
  readonly buckets: Map<number, Distribution>;
  /** Latest minute with a value (ListMetrics RecentlyActive, eviction order). */
  lastMinute: number;
}

interface MinuteDoc {
  minute: number;
  series: Array<{ ns: string; m: string; d: Array<[string, string]>; u: string; v: DistributionJson }>;
}

export interface MetricStoreEvents {
  /** A value was recorded (tests await metrics this way). */
  recorded: [
    {
      namespace: string;
      metricName: string;
      dimensions: readonly Dimension[];
      value: number;
      minute: number;
    },
  ];
  /** A minute's buckets were written to the store. */
  persisted: [{ minute: number }];
}

export function minuteOf(ms: number): number {
  return Math.floor(ms / MINUTE_MS) * MINUTE_MS;
}

/**
 * All metric data: bounded by a retention in minutes and a maximum number of series, kept in memory,
 * and written through the Store as one document per minute so history survives a restart.
 */
export class MetricStore extends EventEmitter<MetricStoreEvents> {
  readonly #series = new Map<string, Series>();
  readonly #store: Store;
  readonly #log: Logger;
  readonly #o: CompiledCloudWatchOptions & { clock: () => number };
  /** Minutes whose buckets changed since they were last persisted. */
  readonly #dirty = new Set<number>();
  /** Minutes that have a document in the store. */
  readonly #persisted = new Set<number>();
  /** How many buckets each minute has over all series (the maxBuckets bound). */
  readonly #bucketsPerMinute = new Map<number, number>();
  #bucketCount = 0;
  #currentMinute = 0;
  #flushing: Promise<void> = Promise.resolve();
  #timer: NodeJS.Timeout | undefined;

  constructor(store: Store, log: Logger, options: CompiledCloudWatchOptions & { clock: () => number }) {
    super();
    this.setMaxListeners(0);
    this.#store = store;
    this.#log = log;
    this.#o = options;
    this.#load();
  }

  get clock(): () => number {
    return this.#o.clock;
  }

  /** Oldest minute still kept, relative to the clock. */
  #horizon(): number {
    return minuteOf(this.#o.clock()) - (this.#o.retentionMinutes - 1) * MINUTE_MS;
  }

  #load(): void {
    for (const { doc } of this.#store.listDocs<MinuteDoc>(NS)) {
      this.#persisted.add(doc.minute);
      for (const s of doc.series) {
        const series = this.#seriesFor(
          s.ns,
          s.m,
          s.d.map(([Name, Value]) => ({ Name, Value })),
          s.u,
        );
        this.#addBucket(series, doc.minute, Distribution.fromJSON(s.v));
        if (doc.minute > series.lastMinute) series.lastMinute = doc.minute;
      }
    }
    // Documents beyond the retention are removed on the first flush.
  }

  /** Starts the periodic write of the current minute (so a crash loses at most that much). */
  start(): void {
    this.#timer = setInterval(() => void this.flush(true), this.#o.persistIntervalMs);
    this.#timer.unref();
  }

  async close(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    await this.flush(true);
  }

  /**
   * Series by the dimension array they were last recorded with, then metric name: sources pass the same
   * arrays for every value (see cloudwatch/sources), so most puts skip building the series key.
   */
  readonly #byDimensions = new WeakMap<readonly Dimension[], Map<string, Series>>();

  #seriesFor(namespace: string, metricName: string, dimensions: readonly Dimension[], unit: string): Series {
    let byName = this.#byDimensions.get(dimensions);
    if (!byName) this.#byDimensions.set(dimensions, (byName = new Map()));
    const known = byName.get(metricName);
    // An evicted series is no longer in #series: fall through and look it up (or create it) by key.
    if (known !== undefined && known.namespace === namespace && this.#series.get(known.key) === known)
      return known;
    const s = this.#seriesByKey(namespace, metricName, dimensions, unit);
    byName.set(metricName, s);
    return s;
  }

  #seriesByKey(
    namespace: string,
    metricName: string,
    dimensions: readonly Dimension[],
    unit: string,
  ): Series {
    const key = seriesKey(namespace, metricName, dimensions);
    let s = this.#series.get(key);
    if (!s) {
      if (this.#series.size >= this.#o.maxSeries) this.#evictOldest();
      s = {
        key,
        namespace,
        metricName,
        dimensions: canonicalDimensions(dimensions),
        unit,
        buckets: new Map(),
        lastMinute: 0,
      };
      this.#series.set(key, s);
    }
    return s;
  }

  #evictOldest(): void {
    let oldest: Series | undefined;
    for (const s of this.#series.values()) if (!oldest || s.lastMinute < oldest.lastMinute) oldest = s;
    if (!oldest) return;
    this.#series.delete(oldest.key);
    for (const m of [...oldest.buckets.keys()]) this.#removeBucket(oldest, m);
  }

  #addBucket(s: Series, minute: number, d: Distribution): void {
    s.buckets.set(minute, d);
    this.#bucketsPerMinute.set(minute, (this.#bucketsPerMinute.get(minute) ?? 0) + 1);
    this.#bucketCount++;
    while (this.#bucketCount > this.#o.maxBuckets) this.#dropOldestMinute();
  }

  #removeBucket(s: Series, minute: number): void {
    if (!s.buckets.delete(minute)) return;
    this.#bucketCount--;
    const left = (this.#bucketsPerMinute.get(minute) ?? 1) - 1;
    if (left > 0) this.#bucketsPerMinute.set(minute, left);
    else this.#bucketsPerMinute.delete(minute);
    // A persisted minute is rewritten (or deleted) without the bucket on the next flush.
    if (this.#persisted.has(minute)) this.#dirty.add(minute);
  }

  /** The maxBuckets bound: the oldest minute goes, in every series. */
  #dropOldestMinute(): void {
    let oldest = Infinity;
    for (const m of this.#bucketsPerMinute.keys()) if (m < oldest) oldest = m;
    if (oldest === Infinity) return;
    for (const s of this.#series.values()) this.#removeBucket(s, oldest);
    for (const [key, s] of this.#series) if (s.buckets.size === 0) this.#series.delete(key);
  }

  /** Records one value at the clock's current minute. */
  put(
    namespace: string,
    metricName: string,
    dimensions: readonly Dimension[],
    value: number,
    unit: string,
  ): void {
    const minute = minuteOf(this.#o.clock());
    const s = this.#seriesFor(namespace, metricName, dimensions, unit);
    let d = s.buckets.get(minute);
    if (!d) this.#addBucket(s, minute, (d = new Distribution()));
    d.add(value);
    if (minute > s.lastMinute) s.lastMinute = minute;
    this.#dirty.add(minute);
    if (minute !== this.#currentMinute) {
      // A new minute began: the finished ones are written now (cheap: one document per minute).
      this.#currentMinute = minute;
      void this.flush(false);
    }
    if (this.listenerCount('recorded') > 0)
      this.emit('recorded', { namespace, metricName, dimensions: s.dimensions, value, minute });
  }

  get(namespace: string, metricName: string, dimensions: readonly Dimension[]): Series | undefined {
    return this.#series.get(seriesKey(namespace, metricName, dimensions));
  }

  /** Every series, in a stable order (namespace, name, dimensions). */
  list(): Series[] {
    return [...this.#series.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  /** Drops buckets older than the retention, and series left empty. Returns the dropped minutes. */
  #prune(): Set<number> {
    const horizon = this.#horizon();
    const dropped = new Set<number>();
    for (const [key, s] of this.#series) {
      for (const m of [...s.buckets.keys()]) {
        if (m < horizon) {
          this.#removeBucket(s, m);
          dropped.add(m);
        }
      }
      if (s.buckets.size === 0) this.#series.delete(key);
    }
    for (const m of this.#persisted) if (m < horizon) dropped.add(m);
    return dropped;
  }

  /**
   * Writes changed minutes to the store (`all`: the current minute too) and deletes expired ones.
   * Flushes run one after another.
   */
  flush(all: boolean): Promise<void> {
    this.#flushing = this.#flushing.then(
      () => this.#flushNow(all),
      () => this.#flushNow(all),
    );
    return this.#flushing;
  }

  async #flushNow(all: boolean): Promise<void> {
    const expired = this.#prune();
    for (const m of expired) {
      this.#dirty.delete(m);
      if (this.#persisted.delete(m)) await this.#guard(m, () => this.#store.deleteDoc(NS, docId(m)));
    }
    const current = minuteOf(this.#o.clock());
    for (const minute of [...this.#dirty].sort((a, b) => a - b)) {
      if (!all && minute >= current) continue;
      // Cleared before the write: values recorded meanwhile mark the minute dirty again.
      this.#dirty.delete(minute);
      const doc: MinuteDoc = { minute, series: [] };
      for (const s of this.#series.values()) {
        const d = s.buckets.get(minute);
        if (d)
          doc.series.push({
            ns: s.namespace,
            m: s.metricName,
            d: s.dimensions.map((x) => [x.Name, x.Value]),
            u: s.unit,
            v: d.toJSON(),
          });
      }
      if (doc.series.length === 0) {
        if (this.#persisted.delete(minute))
          await this.#guard(minute, () => this.#store.deleteDoc(NS, docId(minute)));
        continue;
      }
      if (await this.#guard(minute, () => this.#store.putDoc(NS, docId(minute), doc))) {
        this.#persisted.add(minute);
        this.emit('persisted', { minute });
      }
    }
  }

  /** Metrics must never take the server down: a failed write leaves the minute dirty for the next flush. */
  async #guard(minute: number, write: () => Promise<void>): Promise<boolean> {
    try {
      await write();
      return true;
    } catch (err) {
      this.#dirty.add(minute);
      this.#log.warn({ err, minute }, 'could not persist metric buckets');
      return false;
    }
  }
}

/** Zero-padded so the store lists minutes in time order. */
function docId(minute: number): string {
  return String(minute).padStart(16, '0');
}
