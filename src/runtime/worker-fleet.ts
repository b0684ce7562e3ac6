import { tmpdir } from 'node:os';
import type { FunctionSpec, InvocationRequest, InvocationResult } from './invocation.js';
import { canUseSpare } from './spawn-spec.js';
import { WorkerPool } from './worker-pool.js';
import { Worker, type WorkerEnvironment, type WorkerExit } from './worker.js';

export interface FleetHooks {
  log(functionName: string, line: string): void;
  workerSpawned(functionName: string, w: Worker): void;
  workerExited(functionName: string, w: Worker, exit: WorkerExit): void;
  /** A retired pool has finished its last invocation and has no workers left. */
  poolDrained(spec: FunctionSpec): void;
}

export interface FleetOptions extends WorkerEnvironment {
  /**
   * Most function worker processes alive at once (idle ones included); idle ones are evicted to make room.
   * Spares come on top (at most `spareWorkers` for each of the 2 most recent MemorySize values).
   */
  maxWorkers: number;
  /**
   * Pre-started Node.js runtimes kept per MemorySize in use (0 disables): a new function's first worker
   * adopts one instead of waiting for a process to start.
   */
  spareWorkers: number;
}

/** Spares are kept for at most this many distinct MemorySize values (the most recently used ones). */
const SPARE_SIZES = 2;

/**
 * Every worker pool of the server: one current pool per function (its latest code and configuration) plus
 * retired pools still finishing invocations that started before an update.
 */
export class WorkerFleet {
  readonly #pools = new Map<string, WorkerPool>();
  readonly #retired = new Set<WorkerPool>();
  readonly #hooks: FleetHooks;
  readonly #opts: FleetOptions;
  #closed = false;
  #allGone: (() => void) | undefined;
  /** Pre-started runtimes not yet adopted. */
  readonly #spares = new Set<Worker>();
  /** Spares being started, per MemorySize. */
  readonly #sparesStarting = new Map<number, number>();
  /** MemorySize values that wanted a spare, most recent last. */
  #spareSizes: number[] = [];

  constructor(opts: FleetOptions, hooks: FleetHooks) {
    this.#opts = opts;
    this.#hooks = hooks;
  }

  /** Runs an (already admitted) invocation on the pool for this exact function version. */
  run(spec: FunctionSpec, req: InvocationRequest): Promise<InvocationResult> {
    return this.#poolFor(spec).run(req);
  }

  #poolFor(spec: FunctionSpec): WorkerPool {
    const current = this.#pools.get(spec.functionName);
    if (current && current.spec.key === spec.key) return current;
    if (current) this.#retire(current);
    const pool = new WorkerPool(
      spec,
      {
        log: (fn, line) => this.#hooks.log(fn, line),
        workerSpawned: (w) => this.#hooks.workerSpawned(spec.functionName, w),
        workerExited: (w, exit) => {
          this.#hooks.workerExited(spec.functionName, w, exit);
          this.#checkAllGone();
        },
        beforeSpawn: (p) => this.#makeRoom(p),
        takeSpare: (s) => this.#takeSpare(s),
        drained: (p) => {
          if (this.#retired.delete(p)) this.#hooks.poolDrained(p.spec);
        },
      },
      this.#opts,
    );
    if (this.#closed) pool.shutdown();
    this.#pools.set(spec.functionName, pool);
    return pool;
  }

  /** The function's code or configuration changed, or it was deleted: its workers finish and go away. */
  retire(functionName: string): void {
    const pool = this.#pools.get(functionName);
    if (pool) this.#retire(pool);
  }

  #retire(pool: WorkerPool): void {
    if (this.#pools.get(pool.spec.functionName) === pool) this.#pools.delete(pool.spec.functionName);
    this.#retired.add(pool);
    pool.retire();
  }

  /** Worker processes alive or starting. */
  get workerCount(): number {
    let n = 0;
    for (const p of this.#allPools()) n += p.workerCount;
    return n;
  }

  /** Code directories some pool may still run (current pools, and retired ones not yet drained). */
  codeDirsInUse(): Set<string> {
    const dirs = new Set<string>();
    for (const p of this.#allPools()) dirs.add(p.spec.codeDir);
    return dirs;
  }

  /** Ready (warm, idle) workers of a function's current pool. */
  warmWorkers(functionName: string): number {
    return this.#pools.get(functionName)?.readyCount ?? 0;
  }

  *#allPools(): Iterable<WorkerPool> {
    yield* this.#pools.values();
    yield* this.#retired;
  }

  /** Spare runtimes alive (started or starting, not adopted). */
  get spareCount(): number {
    let n = this.#spares.size;
    for (const k of this.#sparesStarting.values()) n += k;
    return n;
  }

  /** The spare runtimes waiting for a function (for status output and tests). */
  spares(): Array<{ pid: number | undefined; memorySize: number; booted: boolean }> {
    return [...this.#spares].map((w) => ({
      pid: w.pid,
      memorySize: w.spareMemorySize ?? 0,
      booted: w.spareBooted,
    }));
  }

  /** Spares whose runtime has finished starting (adopting one costs only the function's own init). */
  get bootedSpares(): number {
    let n = 0;
    for (const w of this.#spares) if (w.spareBooted) n++;
    return n;
  }

  #checkAllGone(): void {
    if (this.#closed && this.workerCount === 0 && this.spareCount === 0) this.#allGone?.();
  }

  /** Hands out a spare matching the function (then starts another for next time). */
  #takeSpare(spec: FunctionSpec): Worker | undefined {
    if (this.#opts.spareWorkers === 0 || !canUseSpare(spec)) return undefined;
    let found: Worker | undefined;
    for (const w of this.#spares) {
      if (w.state === 'spare' && w.spareMemorySize === spec.memorySize) {
        found = w;
        break;
      }
    }
    if (found) this.#spares.delete(found);
    this.#wantSpare(spec.memorySize);
    return found;
  }

  /** Tops up the spares of one MemorySize (dropping spares of sizes no longer in use). */
  #wantSpare(memorySize: number): void {
    this.#spareSizes = [...this.#spareSizes.filter((m) => m !== memorySize), memorySize];
    for (const old of this.#spareSizes.splice(0, Math.max(0, this.#spareSizes.length - SPARE_SIZES))) {
      for (const w of this.#spares) {
        if (w.spareMemorySize === old) {
          this.#spares.delete(w);
          w.kill('evicted');
        }
      }
    }
    // Started at once: a function adopting it while it still boots waits less than for a new process.
    setImmediate(() => this.#startSpare(memorySize));
  }

  #startSpare(memorySize: number): void {
    if (this.#closed || !this.#spareSizes.includes(memorySize)) return;
    let have = this.#sparesStarting.get(memorySize) ?? 0;
    for (const w of this.#spares) if (w.spareMemorySize === memorySize) have++;
    if (have >= this.#opts.spareWorkers) return;
    this.#sparesStarting.set(memorySize, (this.#sparesStarting.get(memorySize) ?? 0) + 1);
    const done = (): void => {
      const n = (this.#sparesStarting.get(memorySize) ?? 1) - 1;
      if (n === 0) this.#sparesStarting.delete(memorySize);
      else this.#sparesStarting.set(memorySize, n);
    };
    Worker.startSpare(
      memorySize,
      {
        onReady: () => undefined,
        onExit: (w) => {
          this.#spares.delete(w);
          this.#checkAllGone();
        },
        log: () => undefined,
      },
      this.#opts,
      tmpdir(),
    ).then(
      (w) => {
        done();
        if (w.state !== 'spare') return;
        if (this.#closed) w.kill('shutdown');
        else this.#spares.add(w);
      },
      () => done(),
    );
  }

  /** Before a spawn at the process cap: end the least recently used idle worker of any pool. */
  #makeRoom(requester: WorkerPool): void {
    if (this.workerCount < this.#opts.maxWorkers) return;
    let victim: WorkerPool | undefined;
    for (const p of this.#allPools()) {
      const t = p.oldestIdle;
      if (t === undefined) continue;
      if (p === requester && p.readyCount > 0) continue;
      if (victim === undefined || t < (victim.oldestIdle ?? Infinity)) victim = p;
    }
    victim?.evictIdle();
  }

  /** Kills every worker (server shutdown); resolves once their processes are gone (or after `waitMs`). */
  async shutdown(waitMs = 5000): Promise<void> {
    this.#closed = true;
    const gone = new Promise<void>((resolve) => {
      this.#allGone = resolve;
    });
    for (const p of this.#allPools()) p.shutdown();
    for (const w of this.#spares) w.kill('shutdown');
    if (this.workerCount + this.spareCount > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([gone, new Promise<void>((r) => (timer = setTimeout(r, waitMs)))]);
      clearTimeout(timer);
    }
    this.#pools.clear();
    this.#retired.clear();
    this.#spares.clear();
  }
}
