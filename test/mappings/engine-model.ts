// The reference model of the mapping engine (issue 14): what must hold whatever sequence of puts, reshards,
// disables, updates, function failures, stream re-creations and crashes happens. Used by the in-process
// model-based test (virtual time) and the end-to-end one (real server).
import fc from 'fast-check';

/** One record as the model knows it. */
export interface ModelRecord {
  id: string;
  key: string;
  /** The stream generation (creation ms) it was put into. */
  gen: number;
  shardId: string;
  position: number;
  sequenceNumber: string;
  /** Index among the records of its key in its generation (put order). */
  keyIndex: number;
  /** Always fails in the function: it can only be discarded (retries exhausted). */
  poison: boolean;
}

/** What the generated sequences do. */
export type Op =
  | { op: 'put'; keys: number[]; poison: boolean }
  | { op: 'split'; pick: number }
  | { op: 'merge'; pick: number }
  | { op: 'scale'; pick: number }
  | { op: 'advance'; ms: number }
  | { op: 'disable' }
  | { op: 'enable' }
  | { op: 'update'; batchSize: number; parallelization: number; windowS: number; bisect: boolean }
  | { op: 'recreate'; shards: number }
  | { op: 'restart' }
  | { op: 'faults'; failPct: number; throttlePct: number };

/** The mapping a sequence starts with. */
export interface MappingSetup {
  shards: number;
  batchSize: number;
  parallelization: number;
  maxRetries: number;
  bisect: boolean;
  reportBatchItemFailures: boolean;
  windowS: number;
  /** TumblingWindowInSeconds (0 = none). */
  tumblingS: number;
}

export const setupArb: fc.Arbitrary<MappingSetup> = fc.record({
  shards: fc.integer({ min: 1, max: 3 }),
  batchSize: fc.integer({ min: 1, max: 20 }),
  parallelization: fc.integer({ min: 1, max: 3 }),
  maxRetries: fc.integer({ min: 0, max: 3 }),
  bisect: fc.boolean(),
  reportBatchItemFailures: fc.boolean(),
  windowS: fc.constantFrom(0, 0, 1),
  tumblingS: fc.constantFrom(0, 0, 0, 1, 3),
});

/** `weights` lets a runner leave out what it cannot do (the end-to-end run restarts less often). */
export function opArb(weights: Partial<Record<Op['op'], number>> = {}): fc.Arbitrary<Op> {
  const w = (name: Op['op'], d: number): number => weights[name] ?? d;
  return fc.oneof(
    {
      weight: w('put', 10),
      arbitrary: fc.record({
        op: fc.constant('put' as const),
        keys: fc.array(fc.integer({ min: 0, max: 7 }), { minLength: 1, maxLength: 12 }),
        poison: fc.integer({ min: 0, max: 9 }).map((n) => n < 2),
      }),
    },
    { weight: w('split', 2), arbitrary: fc.record({ op: fc.constant('split' as const), pick: fc.nat() }) },
    { weight: w('merge', 2), arbitrary: fc.record({ op: fc.constant('merge' as const), pick: fc.nat() }) },
    { weight: w('scale', 1), arbitrary: fc.record({ op: fc.constant('scale' as const), pick: fc.nat() }) },
    {
      weight: w('advance', 6),
      arbitrary: fc.record({ op: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 3000 }) }),
    },
    { weight: w('disable', 1), arbitrary: fc.constant({ op: 'disable' as const }) },
    { weight: w('enable', 2), arbitrary: fc.constant({ op: 'enable' as const }) },
    {
      weight: w('update', 1),
      arbitrary: fc.record({
        op: fc.constant('update' as const),
        batchSize: fc.integer({ min: 1, max: 20 }),
        parallelization: fc.integer({ min: 1, max: 3 }),
        windowS: fc.constantFrom(0, 0, 1),
        bisect: fc.boolean(),
      }),
    },
    {
      weight: w('recreate', 1),
      arbitrary: fc.record({ op: fc.constant('recreate' as const), shards: fc.integer({ min: 1, max: 3 }) }),
    },
    { weight: w('restart', 1), arbitrary: fc.constant({ op: 'restart' as const }) },
    {
      weight: w('faults', 2),
      arbitrary: fc.record({
        op: fc.constant('faults' as const),
        failPct: fc.constantFrom(0, 0, 10, 30),
        throttlePct: fc.constantFrom(0, 0, 10),
      }),
    },
  );
}

/**
 * The reference model: records put, which are done (delivered in a successful invoke, or discarded after their
 * retries ran out), and the rules every delivery must keep. Violations are collected, not thrown, so a run
 * reports all it found with the sequence that found them.
 */
export class EngineModel {
  readonly records = new Map<string, ModelRecord>();
  readonly #byKey = new Map<string, ModelRecord[]>();
  readonly #done = new Set<string>();
  readonly #delivered = new Map<string, number>();
  /** Discarded ranges per generation and shard (sequence numbers, inclusive). */
  readonly #discards: Array<{ shardId: string; first: bigint; last: bigint }> = [];
  readonly violations: string[] = [];
  #nextId = 0;
  #positions = new Map<string, number>();

  /** A record the stream acknowledged. */
  put(key: string, gen: number, shardId: string, sequenceNumber: string, poison: boolean): ModelRecord {
    const id = `${poison ? 'poison' : 'r'}-${this.#nextId++}`;
    const shardKey = `${gen}/${shardId}`;
    const position = this.#positions.get(shardKey) ?? 0;
    this.#positions.set(shardKey, position + 1);
    const list = this.#byKey.get(`${gen}/${key}`) ?? [];
    this.#byKey.set(`${gen}/${key}`, list);
    const r: ModelRecord = { id, key, gen, shardId, position, sequenceNumber, keyIndex: list.length, poison };
    list.push(r);
    this.records.set(id, r);
    return r;
  }

  isDone(r: ModelRecord): boolean {
    if (this.#done.has(r.id)) return true;
    const seq = BigInt(r.sequenceNumber);
    return this.#discards.some((d) => d.shardId === r.shardId && d.first <= seq && seq <= d.last);
  }

  /**
   * The function processed these records successfully, in this order. Per-key order: every earlier record of the
   * same key (in the same stream generation, parent shards before children) must be done already.
   */
  delivered(ids: string[]): void {
    for (const id of ids) {
      const r = this.records.get(id);
      if (!r) {
        this.violations.push(`delivered a record nobody put: ${id}`);
        continue;
      }
      const earlier = this.#byKey.get(`${r.gen}/${r.key}`)!.slice(0, r.keyIndex);
      const missing = earlier.filter((e) => !this.isDone(e));
      if (missing.length > 0)
        this.violations.push(
          `order: ${id} (key ${r.key}, ${r.shardId}) delivered before ${missing.map((m) => `${m.id} (${m.shardId})`).join(', ')}`,
        );
      this.#done.add(id);
      this.#delivered.set(id, (this.#delivered.get(id) ?? 0) + 1);
    }
  }

  /** A failure record named these records: they are done (AWS: RetryAttemptsExhausted / RecordAgeExceeded). */
  discarded(shardId: string, firstSequenceNumber: string, lastSequenceNumber: string): void {
    this.#discards.push({ shardId, first: BigInt(firstSequenceNumber), last: BigInt(lastSequenceNumber) });
  }

  /** Durable checkpoints the engine reported, per generation and shard. */
  readonly #checkpoints = new Map<string, { position: number; finished: boolean }>();

  /** The engine reported a durable checkpoint. It must never go backwards. */
  checkpointed(gen: number, shardId: string, position: number, finished: boolean): void {
    const k = `${gen}/${shardId}`;
    const prev = this.#checkpoints.get(k);
    if (prev && (position < prev.position || (prev.finished && !finished)))
      this.violations.push(`checkpoint of ${shardId} went back from ${prev.position} to ${position}`);
    this.#checkpoints.set(k, {
      position: Math.max(position, prev?.position ?? 0),
      finished: finished || !!prev?.finished,
    });
  }

  /**
   * An invoke is starting with these records: none may be behind its shard's durable checkpoint (a restart resumes
   * from it; only the batches in flight at a crash are sent again).
   */
  invoking(ids: string[]): void {
    for (const id of ids) {
      const r = this.records.get(id);
      if (!r) continue;
      const cp = this.#checkpoints.get(`${r.gen}/${r.shardId}`);
      if (cp && (cp.finished || r.position < cp.position))
        this.violations.push(
          `redelivery: ${id} at ${r.shardId}:${r.position} sent after the durable checkpoint ${cp.position}`,
        );
    }
  }

  /** Records of generation `gen` not done yet (they must all be done once the engine is idle). */
  pending(gen: number): ModelRecord[] {
    return [...this.records.values()].filter((r) => r.gen === gen && !this.isDone(r));
  }

  /** Poison records can only be discarded: one that was delivered means the function's failure was ignored. */
  checkPoison(): void {
    for (const r of this.records.values())
      if (r.poison && this.#delivered.has(r.id)) this.violations.push(`poison record ${r.id} was delivered`);
  }

  stats(): { records: number; delivered: number; duplicates: number; discarded: number } {
    let duplicates = 0;
    for (const n of this.#delivered.values()) duplicates += n - 1;
    const discarded = [...this.records.values()].filter(
      (r) => !this.#done.has(r.id) && this.isDone(r),
    ).length;
    return { records: this.records.size, delivered: this.#delivered.size, duplicates, discarded };
  }
}
