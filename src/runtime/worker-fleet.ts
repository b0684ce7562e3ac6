import { performance } from 'node:perf_hooks';
import type { FunctionSpec, InvocationRequest, InvocationResult } from './invocation.js';
import { InvocationQueue, type Waiting } from './invocation-queue.js';
import { WorkerPool } from './worker-pool.js';
import { SpareRuntimes } from './spare-runtimes.js';
import type { Worker, WorkerEnvironment } from './worker.js';
import { platformError, type WorkerExit } from './worker-exit.js';

export interface FleetHooks {
  log(functionName: string, line: string, logStream: string): void;
  workerSpawned(functionName: string, w: Worker): void;
  workerExited(functionName: string, w: Worker, exit: WorkerExit): void;
  /** A retired pool has finished its last invocation and has no workers left. */
  poolDrained(spec: FunctionSpec): void;
  /**
   * An invocation left the fleet's queue: it got a worker, failed before getting one, or (`timedOut`) waited
   * for a worker slot as long as its function's timeout. `waitedMs` is the time it spent waiting because
   * every slot of the machine limit was taken (0 when it never had to).
   */
  dequeued(functionName: string, waitedMs: number, timedOut: boolean): void;
  /**
   * The processes alive or the invocations blocked changed (see `FleetFigures`): told once per change, after the
   * scheduling pass that made it, so a metric can hold the new value instead of asking the fleet at each read.
   */
  figuresChanged(figures: FleetFigures): void;
}

/** The machine limit's figures that change: what `/metrics` and CloudWatch show as gauges. */
export interface FleetFigures {
  /** Every worker process alive, starting or ending, spares included (`aliveCount`). */
  alive: number;
  /** Invocations waiting because every slot of the machine limit is taken (`blockedCount`). */
  blocked: number;
}

export interface FleetOptions extends WorkerEnvironment {
  /**
   * The machine's limit: most worker processes alive at once, idle ones and spares included (a process
   * being started or ended counts until it is gone). An invocation finding every slot taken waits, in
   * arrival order, for an idle process to be ended or a busy one to finish.
   */
  maxWorkers: number;
  /**
   * Pre-started Node.js runtimes kept per MemorySize in use (0 disables): a new function's first worker
   * adopts one instead of waiting for a process to start. They take a slot only while one is free.
   */
  spareWorkers: number;
}

/**
 * Every worker pool of the server — one current pool per function (its latest code and configuration) plus
 * retired pools still finishing invocations that arrived before an update — and the machine limit.
 *
 * Invocations reaching the fleet were admitted by the concurrency limiter (AWS's limits); here they are
 * never refused. They wait in one queue, served oldest first: each gets a ready worker of its pool, a worker
 * already starting for it, or a new worker. A new worker takes one of `maxWorkers` slots; when none is free,
 * an idle process is ended for the oldest waiting invocation (a spare first, then the least recently used
 * idle worker), or it waits for a busy worker. A warm worker another waiting invocation of its own function
 * can use is taken from it only as `#mayTakeAnySlot` says. Time spent blocked is bounded by the function's
 * timeout: past it the invocation fails as a timeout. The queue's order and clocks are invocation-queue.ts; the
 * pre-started runtimes, spare-runtimes.ts.
 */
/** Pools are per function version: a published version runs its own snapshot beside $LATEST. */
function poolKey(functionName: string, version: string): string {
  return `${functionName}:${version}`;
}

export class WorkerFleet {
  /** The current pool of each function version (poolKey). */
  readonly #pools = new Map<string, WorkerPool>();
  readonly #retired = new Set<WorkerPool>();
  readonly #hooks: FleetHooks;
  readonly #opts: FleetOptions;
  #closed = false;
  #allGone: (() => void) | undefined;
  /** Invocations waiting for a worker, oldest first. */
  readonly #queue: InvocationQueue;
  /** Idle processes ended to free a slot, until their process is gone. */
  readonly #evicted = new Set<Worker>();
  #scheduling = false;
  #scheduleAgain = false;
  #peakAlive = 0;
  /** The figures last told to `FleetHooks.figuresChanged` (the fleet starts empty). */
  #told: FleetFigures = { alive: 0, blocked: 0 };
  readonly #spares: SpareRuntimes;

  constructor(opts: FleetOptions, hooks: FleetHooks) {
    this.#opts = opts;
    this.#hooks = hooks;
    this.#queue = new InvocationQueue(
      (fn, waitedMs, timedOut) => this.#hooks.dequeued(fn, waitedMs, timedOut),
      () => this.#schedule(),
    );
    this.#spares = new SpareRuntimes(opts, {
      closed: () => this.#closed,
      roomForSpare: () => this.#roomForSpare(),
      started: () => {
        this.#notePeak();
        this.#tellFigures();
      },
      gone: (w) => {
        if (w) this.#evicted.delete(w);
        this.#schedule();
        this.#checkAllGone();
      },
      ready: () => this.#schedule(),
    });
  }

  /** The machine limit (FleetOptions.maxWorkers). */
  get maxWorkers(): number {
    return this.#opts.maxWorkers;
  }

  /**
   * Runs an (already admitted) invocation on the pool for this exact function version, as soon as the
   * machine limit lets it start; always resolves (failures, a timeout in the queue included, are results).
   */
  run(spec: FunctionSpec, req: InvocationRequest): Promise<InvocationResult> {
    const pool = this.#poolFor(spec);
    if (this.#closed) return Promise.resolve(killed(pool, req));
    return new Promise<InvocationResult>((resolve) => {
      this.#queue.add(pool, req, resolve);
      this.#schedule();
    });
  }

  #poolFor(spec: FunctionSpec): WorkerPool {
    const current = this.#pools.get(poolKey(spec.functionName, spec.version));
    if (current && current.spec.key === spec.key) return current;
    if (current) this.#retire(current);
    const pool: WorkerPool = new WorkerPool(
      spec,
      {
        log: (fn, line, logStream) => this.#hooks.log(fn, line, logStream),
        workerSpawned: (w) => {
          this.#hooks.workerSpawned(spec.functionName, w);
        },
        workerExited: (w, exit) => this.#workerExited(pool, w, exit),
        changed: () => this.#schedule(),
        spawnFailed: (err) => {
          // The loopback listener could not bind: fail one waiting invocation rather than retrying forever.
          this.#queue.failOldest(pool, (req) =>
            pool.failure(req, 'Runtime.Unknown', `Could not start the runtime: ${err.message}`),
          );
          this.#schedule();
        },
      },
      this.#opts,
    );
    if (this.#closed) pool.shutdown();
    this.#pools.set(poolKey(spec.functionName, spec.version), pool);
    return pool;
  }

  #workerExited(pool: WorkerPool, w: Worker, exit: WorkerExit): void {
    this.#evicted.delete(w);
    this.#hooks.workerExited(pool.spec.functionName, w, exit);
    const f = exit.initFailure;
    if (f) {
      // The invocation that was waiting for this runtime to start fails with the init error, as on AWS.
      this.#queue.failOldest(pool, (req) =>
        pool.failure(
          req,
          f.errorType,
          f.message,
          f.runtimeBody ?? platformError(f.errorType, req.requestId, f.message),
          f.initLines,
          f.initDurationMs,
        ),
      );
    }
    this.#schedule();
    this.#checkAllGone();
  }

  /**
   * A function version's code or configuration changed, or it was deleted (every version when `version` is not
   * given): its workers finish and go away.
   */
  retire(functionName: string, version?: string): void {
    for (const pool of [...this.#pools.values()]) {
      if (pool.spec.functionName !== functionName) continue;
      if (version === undefined || pool.spec.version === version) this.#retire(pool);
    }
  }

  #retire(pool: WorkerPool): void {
    const key = poolKey(pool.spec.functionName, pool.spec.version);
    if (this.#pools.get(key) === pool) this.#pools.delete(key);
    this.#retired.add(pool);
    pool.retire();
    this.#schedule();
  }

  /** Function worker processes alive or starting (spares not included). */
  get workerCount(): number {
    let n = 0;
    for (const p of this.#allPools()) n += p.workerCount;
    return n;
  }

  /** Every worker process alive, starting or ending, spares included: what `maxWorkers` bounds. */
  get aliveCount(): number {
    return this.workerCount + this.#spares.slotsHeld;
  }

  /** The most processes ever alive at once (see `aliveCount`). */
  get peakAlive(): number {
    return this.#peakAlive;
  }

  /** Invocations waiting for a worker (including those whose worker is starting). */
  get waitingCount(): number {
    return this.#queue.size;
  }

  /** Invocations waiting because every slot of the machine limit is taken. */
  get blockedCount(): number {
    return this.#queue.blockedCount;
  }

  /** Code directories some pool may still run (current pools, and retired ones not yet drained). */
  codeDirsInUse(): Set<string> {
    const dirs = new Set<string>();
    for (const p of this.#allPools()) dirs.add(p.spec.codeDir);
    return dirs;
  }

  /** Ready (warm, idle) workers of a function version's current pool. */
  warmWorkers(functionName: string, version = '$LATEST'): number {
    return this.#pools.get(poolKey(functionName, version))?.readyCount ?? 0;
  }

  *#allPools(): Iterable<WorkerPool> {
    yield* this.#pools.values();
    yield* this.#retired;
  }

  // ---- scheduling -------------------------------------------------------------------------------------------

  /** Hands out workers and slots to waiting invocations, oldest first. Re-entrant calls run it again after. */
  #schedule(): void {
    if (this.#scheduling) {
      this.#scheduleAgain = true;
      return;
    }
    this.#scheduling = true;
    try {
      do {
        this.#scheduleAgain = false;
        this.#dispatch();
      } while (this.#scheduleAgain);
    } finally {
      this.#scheduling = false;
    }
    this.#tellFigures();
  }

  /**
   * Tells the hooks the figures if they changed. Every change of `aliveCount` or `blockedCount` happens in or
   * just before a scheduling pass (a worker spawned or exited, a spare started or gone, an invocation blocked,
   * unblocked or timed out), so checking after each pass misses none; a warm invoke changes neither, and costs
   * one sum over the pools and a compare.
   */
  #tellFigures(): void {
    const alive = this.aliveCount;
    const blocked = this.blockedCount;
    if (alive === this.#told.alive && blocked === this.#told.blocked) return;
    this.#told = { alive, blocked };
    this.#hooks.figuresChanged(this.#told);
  }

  /** The figures as last told to `FleetHooks.figuresChanged`. */
  get figures(): FleetFigures {
    return this.#told;
  }

  #dispatch(): void {
    if (this.#closed) return;
    const now = performance.now();
    // Per pool: workers on their way to ready not yet counted on by an earlier invocation.
    const supply = new Map<WorkerPool, number>();
    // Processes already being ended to free a slot, not yet counted on by an earlier invocation.
    let ending = this.#evicted.size;
    // Set once no idle process is left to end (then no pool has a ready worker either).
    let noIdle = false;
    // Blocked invocations that may only take a slot no other waiting invocation needs.
    let patient = 0;
    for (const e of this.#queue) {
      const p = e.pool;
      const w = noIdle ? undefined : p.takeReady();
      if (w) {
        w.assign(this.#queue.take(e, false), e.resolve);
        continue;
      }
      const s = supply.get(p) ?? p.coming;
      if (s > 0) {
        supply.set(p, s - 1);
        this.#queue.unblock(e);
        continue;
      }
      supply.set(p, 0);
      if (!p.closed) {
        // Adopting a spare takes no new slot: the spare already holds one.
        const spare = this.#spares.find(p.spec);
        if (spare || this.aliveCount < this.#opts.maxWorkers) {
          this.#spawn(p, spare);
          this.#queue.unblock(e);
          continue;
        }
      }
      // Every slot is taken.
      this.#queue.block(e, now);
      if (ending > 0) ending--;
      else if (noIdle) continue;
      else if (this.#mayTakeAnySlot(e, now)) noIdle = !this.#endIdleProcess();
      else patient++;
    }
    // Idle processes still left serve no waiting invocation of their own function: end them for the patient.
    for (; patient > 0 && !noIdle; patient--) noIdle = !this.#endIdleProcess();
    this.#trimRetired();
    if (this.aliveCount < this.#opts.maxWorkers) this.#spares.startOwed();
  }

  /**
   * Whether a blocked invocation may have the next slot even at the cost of another function's warm worker
   * that has invocations of its own waiting (FIFO across functions). Yes when its function has no worker at
   * all (it would otherwise wait for other functions' queues to drain), or when it has waited half its
   * timeout. Otherwise it waits for its own function's busy workers, or for an idle process: switching a slot
   * between functions costs a cold start, and under load strict FIFO would pay one for nearly every invocation.
   */
  #mayTakeAnySlot(e: Waiting, now: number): boolean {
    if (!e.pool.hasLiveWorker) return true;
    return this.#queue.blockedMsAt(e, now) >= e.pool.spec.timeoutSeconds * 500;
  }

  /** Frees a slot: ends a spare, else the least recently used idle worker. False when no process is idle. */
  #endIdleProcess(): boolean {
    const spare = this.#spares.endOne();
    if (spare) {
      this.#evicted.add(spare);
      return true;
    }
    return this.#endIdleWorker();
  }

  /** Ends the least recently used idle worker of any pool; false when none is idle. */
  #endIdleWorker(): boolean {
    let victim: WorkerPool | undefined;
    for (const p of this.#allPools()) {
      const t = p.oldestIdle;
      if (t !== undefined && (victim === undefined || t < (victim.oldestIdle ?? Infinity))) victim = p;
    }
    const w = victim?.evictIdle();
    if (!w) return false;
    this.#evicted.add(w);
    return true;
  }

  /** Retired pools: idle workers nobody waits for end; a pool with no workers left has drained. */
  #trimRetired(): void {
    for (const p of this.#retired) {
      if (this.#queue.waitsFor(p)) continue;
      p.dropIdle('retired');
      if (p.workerCount === 0) {
        this.#retired.delete(p);
        this.#hooks.poolDrained(p.spec);
      }
    }
  }

  #notePeak(): void {
    const alive = this.aliveCount;
    if (alive > this.#peakAlive) this.#peakAlive = alive;
  }

  // ---- spares -----------------------------------------------------------------------------------------------

  /** Spare runtimes alive (started or starting, not adopted). */
  get spareCount(): number {
    return this.#spares.count;
  }

  /** The spare runtimes waiting for a function (for status output and tests). */
  spares(): Array<{ pid: number | undefined; memorySize: number; booted: boolean }> {
    return this.#spares.list();
  }

  /** Spares whose runtime has finished starting (adopting one costs only the function's own init). */
  get bootedSpares(): number {
    return this.#spares.booted;
  }

  #checkAllGone(): void {
    if (this.#closed && this.aliveCount === 0) this.#allGone?.();
  }

  /** Starts a worker for `pool` (adopting `spare` if given), and another spare for next time. */
  #spawn(pool: WorkerPool, spare: Worker | undefined): void {
    this.#spares.workerStarting(pool.spec, spare);
    pool.spawn(spare);
    this.#notePeak();
  }

  /**
   * A spare never takes a slot an invocation waits for. With every slot taken but some worker idle, the least
   * recently used idle worker makes room (a function of this MemorySize coming back adopts the spare); the
   * spare starts once that worker is gone.
   */
  #roomForSpare(): boolean {
    if (this.blockedCount > 0) return false;
    if (this.aliveCount >= this.#opts.maxWorkers) {
      if (this.#evicted.size === 0) this.#endIdleWorker();
      return false;
    }
    return true;
  }

  // ---- shutdown ---------------------------------------------------------------------------------------------

  /** Kills every worker (server shutdown); resolves once their processes are gone (or after `waitMs`). */
  async shutdown(waitMs = 5000): Promise<void> {
    this.#closed = true;
    const gone = new Promise<void>((resolve) => {
      this.#allGone = resolve;
    });
    for (const p of this.#allPools()) p.shutdown();
    // Waiting invocations fail as if their runtime had been stopped.
    for (const e of [...this.#queue]) e.resolve(killed(e.pool, this.#queue.take(e, false)));
    this.#tellFigures();
    this.#spares.endAll();
    if (this.aliveCount > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([gone, new Promise<void>((r) => (timer = setTimeout(r, waitMs)))]);
      clearTimeout(timer);
    }
    this.#pools.clear();
    this.#retired.clear();
    this.#spares.clear();
  }
}

function killed(pool: WorkerPool, req: InvocationRequest): InvocationResult {
  return pool.failure(req, 'Runtime.ExitError', 'Runtime exited with error: signal: killed');
}
