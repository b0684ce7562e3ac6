import { tmpdir } from 'node:os';
import type { FunctionSpec } from './invocation.js';
import { canUseSpare, spareKey, spareKindOf, type SpareKind } from './spawn-spec.js';
import { Worker, type WorkerEnvironment } from './worker.js';

/** Spares are kept for at most this many kinds (runtime and MemorySize; the most recently used ones). */
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
 * Pre-started Node.js and Python runtimes, kept per kind in use (`spareWorkers` of each of the last SPARE_SIZES
 * kinds: the default Node.js or a Python interpreter, for a MemorySize): a new function's first worker adopts one instead of waiting for a process to start. Every spare,
 * starting, waiting or ending, holds one of the fleet's slots; the fleet decides when one may start.
 */
export class SpareRuntimes {
  readonly #host: SpareHost;
  readonly #opts: WorkerEnvironment & { spareWorkers: number };
  /** Pre-started runtimes not yet adopted. */
  readonly #spares = new Set<Worker>();
  /** Spares ended whose process has not exited yet (they still hold a slot). */
  readonly #ending = new Set<Worker>();
  /** Spares being started, per kind (spareKey). */
  readonly #starting = new Map<string, number>();
  /** Kinds that wanted a spare, most recent last. */
  #sizes: SpareKind[] = [];
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
      memorySize: w.spareKind?.memorySize ?? 0,
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
    const key = spareKey(spareKindOf(spec));
    for (const w of this.#spares) if (w.state === 'spare' && keyOf(w) === key) return w;
    return undefined;
  }

  /** A worker for `spec` is starting (adopting `spare` if given): another spare is wanted for next time. */
  workerStarting(spec: FunctionSpec, spare: Worker | undefined): void {
    if (spare) this.#spares.delete(spare);
    if (this.#opts.spareWorkers > 0 && canUseSpare(spec)) this.#want(spareKindOf(spec));
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

  /** Tops up the spares of one kind (dropping spares of kinds no longer in use). */
  #want(kind: SpareKind): void {
    const key = spareKey(kind);
    this.#sizes = [...this.#sizes.filter((k) => spareKey(k) !== key), kind];
    for (const old of this.#sizes.splice(0, Math.max(0, this.#sizes.length - SPARE_SIZES))) {
      for (const w of this.#spares) if (keyOf(w) === spareKey(old)) this.#end(w);
    }
    // Started at once: a function adopting it while it still boots waits less than for a new process.
    setImmediate(() => this.#start(kind));
  }

  #end(w: Worker): void {
    this.#spares.delete(w);
    this.#ending.add(w);
    w.kill('evicted');
  }

  #start(kind: SpareKind): void {
    const key = spareKey(kind);
    if (this.#host.closed() || !this.#sizes.some((k) => spareKey(k) === key)) return;
    let have = this.#starting.get(key) ?? 0;
    for (const w of this.#spares) if (keyOf(w) === key) have++;
    if (have >= this.#opts.spareWorkers) return;
    if (!this.#host.roomForSpare()) {
      this.#owed = true;
      return;
    }
    this.#starting.set(key, (this.#starting.get(key) ?? 0) + 1);
    this.#host.started();
    const done = (): void => {
      const n = (this.#starting.get(key) ?? 1) - 1;
      if (n === 0) this.#starting.delete(key);
      else this.#starting.set(key, n);
    };
    Worker.startSpare(
      kind,
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

function keyOf(w: Worker): string | undefined {
  return w.spareKind === undefined ? undefined : spareKey(w.spareKind);
}
