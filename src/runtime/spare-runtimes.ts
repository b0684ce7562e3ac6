import { tmpdir } from 'node:os';
import type { FunctionSpec } from './invocation.js';
import { canUseSpare } from './spawn-spec.js';
import { Worker, type WorkerEnvironment } from './worker.js';

/** Spares are kept for at most this many distinct MemorySize values (the most recently used ones). */
const SPARE_SIZES = 2;

/** What the spares need of the fleet that holds the machine limit. */
export interface SpareHost {
  /** The server is shutting down: no spare starts, and one that finishes starting is ended. */
  closed(): boolean;
  /**
   * Whether a spare may take a slot now. When not, the host may make room (the spare starts once `startOwed`
   * is called).
   */
  roomForSpare(): boolean;
  /** A spare process is being started (it holds a slot from now on). */
  started(): void;
  /** A spare's process is gone, or a spare could not start: its slot is free again. */
  gone(w: Worker | undefined): void;
  /** A spare is ready to be adopted. */
  ready(): void;
}

/**
 * Pre-started Node.js runtimes, kept per MemorySize in use (`spareWorkers` of each of the last SPARE_SIZES
 * sizes): a new function's first worker adopts one instead of waiting for a process to start. Every spare,
 * starting, waiting or ending, holds one of the fleet's slots; the fleet decides when one may start.
 */
export class SpareRuntimes {
  readonly #host: SpareHost;
  readonly #opts: WorkerEnvironment & { spareWorkers: number };
  /** Pre-started runtimes not yet adopted. */
  readonly #spares = new Set<Worker>();
  /** Spares ended whose process has not exited yet (they still hold a slot). */
  readonly #ending = new Set<Worker>();
  /** Spares being started, per MemorySize. */
  readonly #starting = new Map<number, number>();
  /** MemorySize values that wanted a spare, most recent last. */
  #sizes: number[] = [];
  /** A spare was wanted while no slot was free: started once one is. */
  #owed = false;

  constructor(opts: WorkerEnvironment & { spareWorkers: number }, host: SpareHost) {
    this.#opts = opts;
    this.#host = host;
  }

  /** Spare runtimes alive (started or starting, not adopted). */
  get count(): number {
    let n = this.#spares.size;
    for (const k of this.#starting.values()) n += k;
    return n;
  }

  /** Slots the spares hold: those alive, and those ended whose process has not exited yet. */
  get slotsHeld(): number {
    return this.count + this.#ending.size;
  }

  /** The spare runtimes waiting for a function (for status output and tests). */
  list(): Array<{ pid: number | undefined; memorySize: number; booted: boolean }> {
    return [...this.#spares].map((w) => ({
      pid: w.pid,
      memorySize: w.spareMemorySize ?? 0,
      booted: w.spareBooted,
    }));
  }

  /** Spares whose runtime has finished starting (adopting one costs only the function's own init). */
  get booted(): number {
    let n = 0;
    for (const w of this.#spares) if (w.spareBooted) n++;
    return n;
  }

  /** A spare the function can adopt, if one is waiting. */
  find(spec: FunctionSpec): Worker | undefined {
    if (this.#opts.spareWorkers === 0 || !canUseSpare(spec)) return undefined;
    for (const w of this.#spares) if (w.state === 'spare' && w.spareMemorySize === spec.memorySize) return w;
    return undefined;
  }

  /** A worker for `spec` is starting (adopting `spare` if given): another spare is wanted for next time. */
  workerStarting(spec: FunctionSpec, spare: Worker | undefined): void {
    if (spare) this.#spares.delete(spare);
    if (this.#opts.spareWorkers > 0 && canUseSpare(spec)) this.#want(spec.memorySize);
  }

  /** Ends one spare to free its slot; returns it, or undefined when there is none. */
  endOne(): Worker | undefined {
    for (const w of this.#spares) {
      this.#end(w);
      return w;
    }
    return undefined;
  }

  /** Starts the spares owed, now that a slot is free. */
  startOwed(): void {
    if (!this.#owed) return;
    this.#owed = false;
    for (const m of this.#sizes) this.#start(m);
  }

  /** Ends every spare (server shutdown). */
  endAll(): void {
    for (const w of [...this.#spares]) this.#end(w);
  }

  clear(): void {
    this.#spares.clear();
  }

  /** Tops up the spares of one MemorySize (dropping spares of sizes no longer in use). */
  #want(memorySize: number): void {
    this.#sizes = [...this.#sizes.filter((m) => m !== memorySize), memorySize];
    for (const old of this.#sizes.splice(0, Math.max(0, this.#sizes.length - SPARE_SIZES))) {
      for (const w of this.#spares) if (w.spareMemorySize === old) this.#end(w);
    }
    // Started at once: a function adopting it while it still boots waits less than for a new process.
    setImmediate(() => this.#start(memorySize));
  }

  #end(w: Worker): void {
    this.#spares.delete(w);
    this.#ending.add(w);
    w.kill('evicted');
  }

  #start(memorySize: number): void {
    if (this.#host.closed() || !this.#sizes.includes(memorySize)) return;
    let have = this.#starting.get(memorySize) ?? 0;
    for (const w of this.#spares) if (w.spareMemorySize === memorySize) have++;
    if (have >= this.#opts.spareWorkers) return;
    if (!this.#host.roomForSpare()) {
      this.#owed = true;
      return;
    }
    this.#starting.set(memorySize, (this.#starting.get(memorySize) ?? 0) + 1);
    this.#host.started();
    const done = (): void => {
      const n = (this.#starting.get(memorySize) ?? 1) - 1;
      if (n === 0) this.#starting.delete(memorySize);
      else this.#starting.set(memorySize, n);
    };
    Worker.startSpare(
      memorySize,
      {
        onReady: () => undefined,
        onExit: (w) => {
          this.#spares.delete(w);
          this.#ending.delete(w);
          this.#host.gone(w);
        },
        log: () => undefined,
      },
      this.#opts,
      tmpdir(),
    ).then(
      (w) => {
        done();
        if (w.state !== 'spare') {
          // Gone before it was ready: its slot is free again.
          this.#host.gone(undefined);
          return;
        }
        this.#spares.add(w);
        if (this.#host.closed()) this.#end(w);
        // An invocation may have started waiting for the slot this spare holds.
        else this.#host.ready();
      },
      () => {
        done();
        this.#host.gone(undefined);
      },
    );
  }
}
