import type { FunctionSpec, InvocationRequest, InvocationResult } from './invocation.js';
import { WorkerPool } from './worker-pool.js';
import type { Worker, WorkerEnvironment, WorkerExit } from './worker.js';

export interface FleetHooks {
  log(functionName: string, line: string): void;
  workerSpawned(functionName: string, w: Worker): void;
  workerExited(functionName: string, w: Worker, exit: WorkerExit): void;
  /** A retired pool has finished its last invocation and has no workers left. */
  poolDrained(spec: FunctionSpec): void;
}

export interface FleetOptions extends WorkerEnvironment {
  /** Most worker processes alive at once (idle ones included); idle workers are evicted to make room. */
  maxWorkers: number;
}

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
          if (this.#closed && this.workerCount === 0) this.#allGone?.();
        },
        beforeSpawn: (p) => this.#makeRoom(p),
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
    if (this.workerCount > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([gone, new Promise<void>((r) => (timer = setTimeout(r, waitMs)))]);
      clearTimeout(timer);
    }
    this.#pools.clear();
    this.#retired.clear();
  }
}
