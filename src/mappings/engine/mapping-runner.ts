import { parentsOf } from '../../kinesis/stream-registry.js';
import type { ShardMeta } from '../../kinesis/model.js';
import { Checkpoints } from './checkpoints.js';
import type { CompiledMapping } from './compiled-mapping.js';
import { ShardProcessor, type EngineDeps } from './shard-processor.js';

/**
 * Runs one enabled mapping: a ShardProcessor per readable shard, following resharding — a child
 * shard starts only after every parent was read to its end (doc: records of a shard are processed in
 * order; resharding keeps order across parent and children).
 */
export class MappingRunner implements AsyncDisposable {
  readonly #m: CompiledMapping;
  readonly #d: EngineDeps;
  readonly #cps: Checkpoints;
  readonly #role: string;
  readonly #processors = new Map<string, ShardProcessor>();
  #stopped = false;

  constructor(m: CompiledMapping, deps: EngineDeps, cps: Checkpoints, role: string) {
    this.#m = m;
    this.#d = deps;
    this.#cps = cps;
    this.#role = role;
  }

  get streamName(): string {
    return this.#m.streamName;
  }

  get uuid(): string {
    return this.#m.uuid;
  }

  start(): void {
    this.reconcile();
  }

  /** Records arrived in a shard of the stream. */
  onAppend(shardId: string): void {
    this.#processors.get(shardId)?.wake();
  }

  /** Starts processors for shards that became readable (after a reshard or a finished parent). */
  reconcile(): void {
    if (this.#stopped) return;
    let shards: ShardMeta[];
    try {
      shards = this.#d.streams.get(this.#m.streamName).shards;
    } catch {
      return; // stream deleted
    }
    const present = new Set(shards.map((s) => s.shardId));
    for (const s of shards) {
      if (this.#processors.has(s.shardId)) continue;
      const cp = this.#cps.get(s.shardId);
      if (cp?.finished) continue;
      const parentsDone = parentsOf(s).every((p) => !present.has(p) || this.#cps.get(p)?.finished === true);
      if (!parentsDone) continue;
      const start = cp?.position ?? this.#d.streams.bounds(this.#m.streamName, s.shardId).first;
      const p = new ShardProcessor(this.#m, this.#d, this.#cps, s.shardId, start, this.#role);
      this.#processors.set(s.shardId, p);
      p.start().then(
        () => {
          if (p.sourceGone) {
            // Keep the processor registered so reconcile() does not restart a shard that cannot be read.
            this.#d.setResult(
              this.#m.uuid,
              this.#m.consumerArn ? 'PROBLEM: Stream consumer not found' : 'PROBLEM: Stream not found',
            );
            return;
          }
          if (this.#processors.get(s.shardId) === p) this.#processors.delete(s.shardId);
          if (!p.stopped) this.reconcile();
        },
        (err: unknown) => {
          this.#processors.delete(s.shardId);
          this.#d.setResult(this.#m.uuid, `PROBLEM: Internal error: ${String(err)}`);
        },
      );
    }
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
