import { LAST_PROCESSING_RESULT } from '../model.js';
import { BatchDelivery, Stopped, type InvokeStrategy } from './batch-delivery.js';
import type { CompiledMapping } from './compiled-mapping.js';
import type { EngineDeps } from './engine-deps.js';
import { batchCut, type EncodedRecord, type EventContext } from './event-builder.js';
import type { Lane } from './lanes.js';
import { decide } from './retry-policy.js';
import { race } from './signal.js';
import {
  judgeWindowInvoke,
  MAX_WINDOW_STATE_BYTES,
  windowPayload,
  windowStartOf,
  type OpenWindow,
} from './tumbling-window.js';

/** What a window lane needs from its shard processor. */
export interface WindowLaneHost {
  isStopped(): boolean;
  readonly signal: AbortSignal;
  /** No more records will come (the shard ended or its source is gone). */
  inputEnded(): boolean;
  /** Waits while the batching window is still filling; true when it waited. */
  gathering(lane: Lane): Promise<boolean>;
  /** Records are done: the checkpoint may pass them (`release` frees their read-ahead room too). */
  done(records: ReadonlyArray<EncodedRecord>, release: boolean): void;
  /** Frees read-ahead room for records processed but not yet checkpointed. */
  release(count: number): void;
  /** A lane is waiting on a timer or a function (the watchdog leaves it alone). */
  busy<T>(work: Promise<T>): Promise<T>;
}

/**
 * Tumbling windows (doc: "Time windows"): batches hold records of one window; each invoke carries the state
 * the function returned last; once the window is over (its end passed, a later window's record is next, the
 * shard ended, or the state outgrew 1 MB) a final invoke must succeed before the lane moves on. Records of a
 * window are checkpointed only then, so a restart replays the whole window and rebuilds its state.
 */
export class WindowLane {
  readonly #m: CompiledMapping;
  readonly #d: EngineDeps;
  readonly #ctx: EventContext;
  readonly #delivery: BatchDelivery;
  readonly #host: WindowLaneHost;

  constructor(
    m: CompiledMapping,
    d: EngineDeps,
    ctx: EventContext,
    delivery: BatchDelivery,
    host: WindowLaneHost,
  ) {
    this.#m = m;
    this.#d = d;
    this.#ctx = ctx;
    this.#delivery = delivery;
    this.#host = host;
  }

  async run(lane: Lane): Promise<void> {
    try {
      await this.#loop(lane);
    } catch (err) {
      if (!(err instanceof Stopped)) throw err;
    }
  }

  async #loop(lane: Lane): Promise<void> {
    const length = this.#m.tumblingWindowMs;
    const clock = this.#d.clock;
    const host = this.#host;
    while (!host.isStopped()) {
      const head = lane.queue[0];
      const w = lane.window;
      if (w) {
        const headInWindow = head !== undefined && windowStartOf(head.record.arrival, length) === w.start;
        const over =
          w.terminatedEarly ||
          clock.now() >= w.end ||
          (head !== undefined && !headInWindow) ||
          (host.inputEnded() && !head);
        if (over && !headInWindow) {
          await this.#finalInvoke(w);
          lane.window = undefined;
          continue;
        }
      }
      if (!head) {
        if (host.inputEnded() && !lane.window) return;
        if (!lane.window) await lane.signal.wait();
        else {
          const until = Math.max(0, lane.window.end - clock.now());
          await host.busy(race(lane.signal.wait(), clock.sleep(until, host.signal)));
        }
        continue;
      }
      if (await host.gathering(lane)) continue;
      const start = windowStartOf(head.record.arrival, length);
      const win = (lane.window ??= {
        start,
        end: start + length,
        state: {},
        processed: [],
        terminatedEarly: false,
      });
      let inWindow = 0;
      while (
        inWindow < lane.queue.length &&
        windowStartOf(lane.queue[inWindow]!.record.arrival, length) === win.start
      )
        inWindow++;
      const stateBytes = Buffer.byteLength(JSON.stringify(win.state)) + 512;
      const n = batchCut(lane.queue.slice(0, inWindow), this.#m.batchSize, stateBytes);
      const batch = lane.queue.splice(0, n);
      lane.since = clock.now();
      await host.busy(this.#delivery.process(batch, this.#strategy(win)));
    }
  }

  #strategy(win: OpenWindow, isFinal = false): InvokeStrategy {
    let pendingState: { state: unknown; bytes: number } | undefined;
    return {
      payload: (records) => windowPayload(records, win, this.#ctx, isFinal),
      judge: (result, records) => {
        const j = judgeWindowInvoke(result, records, this.#m.reportBatchItemFailures);
        pendingState = j.state === undefined ? undefined : { state: j.state, bytes: j.stateBytes };
        return j.outcome;
      },
      succeeded: (records) => {
        if (pendingState) {
          win.state = pendingState.state;
          if (pendingState.bytes > MAX_WINDOW_STATE_BYTES) win.terminatedEarly = true;
        }
        win.processed.push(...records);
        // Room for more reading; the checkpoint waits for the final invoke.
        this.#host.release(records.length);
      },
    };
  }

  /** The final invoke of a window: no records, isFinalInvokeForWindow true; retried like any batch. */
  async #finalInvoke(w: OpenWindow): Promise<void> {
    const m = this.#m;
    const clock = this.#d.clock;
    const strategy = this.#strategy(w, true);
    for (let failures = 0; ; failures++) {
      const started = clock.now();
      const result = await this.#host.busy(this.#delivery.invokeUntilDelivered([], strategy));
      const outcome = strategy.judge(result, []);
      this.#d.events.emit('batch', {
        uuid: m.uuid,
        shardId: this.#ctx.shardId,
        records: 0,
        firstSequenceNumber: '',
        lastSequenceNumber: '',
        outcome: outcome.kind,
        durationMs: clock.now() - started,
        iteratorAgeMs: 0,
        ...(result.functionError ? { functionError: result.functionError } : {}),
      });
      // As in BatchDelivery: a failure while stopping leaves the window to be replayed after the restart.
      if (outcome.kind !== 'success' && this.#host.signal.aborted) throw new Stopped();
      const decision = decide(outcome, 0, failures, {
        maxRetries: m.maxRetries,
        bisect: false,
        baseMs: this.#d.retryBaseMs,
        maxMs: this.#d.retryMaxMs,
      });
      if (decision.kind === 'done') {
        this.#d.setResult(m.uuid, LAST_PROCESSING_RESULT.ok);
        this.#host.done(w.processed, false);
        return;
      }
      this.#d.setResult(m.uuid, LAST_PROCESSING_RESULT.functionError);
      if (decision.kind === 'discard') {
        // The window's records were processed but its result was never accepted: report them and move on.
        if (w.processed.length > 0) {
          await this.#delivery.discard(
            'RetryAttemptsExhausted',
            w.processed,
            failures + 1,
            result.requestId,
            {
              statusCode: result.statusCode,
              functionError: outcome.kind === 'failure' ? outcome.functionError : null,
            },
            false,
          );
        }
        return;
      }
      if (decision.kind === 'retry') {
        await this.#host.busy(clock.sleep(decision.delayMs, this.#host.signal));
        if (this.#host.signal.aborted) throw new Stopped();
      }
    }
  }
}
