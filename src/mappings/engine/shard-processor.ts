import { randomUUID } from 'node:crypto';
import type { EventEmitter } from 'node:events';
import type { StreamRegistry } from '../../kinesis/stream-registry.js';
import type { KinesisContext } from '../../kinesis/kinesis-context.js';
import { ConsumerSource, SharedThroughputSource, type RecordSource } from './record-source.js';
import type { FunctionInvoker, InvokeResult } from '../../lambda/invoker.js';
import { AwsError } from '../../server/errors.js';
import { LAST_PROCESSING_RESULT } from '../model.js';
import { judgeInvoke } from './batch-outcome.js';
import type { Checkpoints } from './checkpoints.js';
import type { CompiledMapping } from './compiled-mapping.js';
import {
  batchCut,
  buildPayload,
  encodeRecord,
  type EncodedRecord,
  eventContext,
  type EventContext,
} from './event-builder.js';
import type { MappingEvents } from './events.js';
import { FilterView } from './filter-view.js';
import { failureRecord, type FailureCondition } from './failure-record.js';
import { race, Signal, sleep } from './signal.js';
import {
  judgeWindowInvoke,
  MAX_WINDOW_STATE_BYTES,
  windowPayload,
  windowStartOf,
  type OpenWindow,
} from './tumbling-window.js';
import type { BatchOutcome } from './batch-outcome.js';

/** Sends a failure record to an SQS queue or SNS topic ARN. */
export interface DestinationSender {
  exists(arn: string): boolean;
  send(arn: string, body: string): Promise<void>;
}

export interface EngineDeps {
  streams: StreamRegistry;
  kinesis: KinesisContext;
  invoker: FunctionInvoker;
  destinations: DestinationSender | undefined;
  region: string;
  events: EventEmitter<MappingEvents>;
  /** Backoff between retries: base * 2^n, capped. */
  retryBaseMs: number;
  retryMaxMs: number;
  /** Records the mapping's LastProcessingResult. */
  setResult(uuid: string, result: string): void;
}

class Stopped extends Error {}

/** FNV-1a: a cheap, stable hash so one partition key always lands in the same lane. */
function laneOf(key: string, lanes: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % lanes;
}

interface Lane {
  queue: EncodedRecord[];
  signal: Signal;
  /** When the oldest queued record entered the lane (the batching window starts then). */
  since: number;
  /** The open tumbling window (TumblingWindowInSeconds > 0). */
  window: OpenWindow | undefined;
}

/** How one invoke of a batch is built and judged: plain Kinesis events, or tumbling-window events. */
interface InvokeStrategy {
  payload(records: ReadonlyArray<EncodedRecord>): Buffer;
  judge(result: InvokeResult, records: ReadonlyArray<EncodedRecord>): BatchOutcome;
  /** Records the function processed successfully. */
  succeeded(records: ReadonlyArray<EncodedRecord>): void;
}

/**
 * Processes one shard for one mapping: reads records in order, spreads them over
 * ParallelizationFactor lanes by partition key, invokes the function with one batch in flight per
 * lane, and moves the shard checkpoint over records that are done, never past one that is not.
 */
export class ShardProcessor {
  readonly shardId: string;
  readonly #m: CompiledMapping;
  readonly #d: EngineDeps;
  readonly #cps: Checkpoints;
  readonly #ctx: EventContext;
  readonly #abort = new AbortController();
  readonly #source: RecordSource;
  readonly #filterView = new FilterView();
  #sourceGone = false;
  readonly #progress = new Signal();
  readonly #lanes: Lane[];
  /** Positions handed to lanes, ascending; `#head` is the first not yet done. */
  #inflight: number[] = [];
  #head = 0;
  readonly #done = new Set<number>();
  /** Next position to read from the shard. */
  #readPos: number;
  #buffered = 0;
  #endReached = false;
  #lastCheckpoint: number;
  readonly #maxBuffered: number;
  #run: Promise<void> | undefined;

  constructor(
    m: CompiledMapping,
    deps: EngineDeps,
    cps: Checkpoints,
    shardId: string,
    start: number,
    role: string,
  ) {
    this.shardId = shardId;
    this.#source = m.consumerArn
      ? new ConsumerSource(deps.kinesis, m.consumerArn, m.streamName, shardId, start)
      : new SharedThroughputSource(deps.kinesis, m.streamName, shardId, start);
    this.#m = m;
    this.#d = deps;
    this.#cps = cps;
    this.#readPos = start;
    this.#lastCheckpoint = start;
    this.#ctx = eventContext({ shardId, streamArn: m.streamArn, region: deps.region, role });
    this.#lanes = Array.from({ length: m.parallelization }, () => ({
      queue: [],
      signal: new Signal(),
      since: 0,
      window: undefined,
    }));
    this.#maxBuffered = Math.max(1000, m.batchSize * (m.parallelization + 1));
  }

  /** Starts processing; the promise settles when the shard is finished or the processor stopped. */
  start(): Promise<void> {
    this.#run ??= this.#main();
    return this.#run;
  }

  /** Records were appended to this shard. */
  wake(): void {
    this.#source.wake();
  }

  /** Stops after the batches in flight complete; their checkpoints are flushed by the caller. */
  async stop(): Promise<void> {
    this.#abort.abort();
    this.#source.close();
    this.#progress.notify();
    for (const l of this.#lanes) l.signal.notify();
    await this.#run;
  }

  /** The source disappeared (stream or consumer deleted): nothing more can be read until the mapping restarts. */
  get sourceGone(): boolean {
    return this.#sourceGone;
  }

  get stopped(): boolean {
    return this.#abort.signal.aborted;
  }

  async #main(): Promise<void> {
    this.#d.events.emit('shard', { uuid: this.#m.uuid, shardId: this.shardId, status: 'started' });
    const lanes = this.#lanes.map((l) => this.#laneLoop(l));
    try {
      await this.#readLoop();
    } finally {
      for (const l of this.#lanes) l.signal.notify();
      await Promise.all(lanes);
    }
    if (!this.stopped && this.#endReached) {
      await this.#cps.set(this.shardId, { position: this.#readPos, finished: true });
      this.#d.events.emit('checkpoint', {
        uuid: this.#m.uuid,
        shardId: this.shardId,
        position: this.#readPos,
        finished: true,
      });
      this.#d.events.emit('shard', { uuid: this.#m.uuid, shardId: this.shardId, status: 'finished' });
    } else {
      this.#d.events.emit('shard', { uuid: this.#m.uuid, shardId: this.shardId, status: 'stopped' });
    }
  }

  async #readLoop(): Promise<void> {
    const m = this.#m;
    while (!this.stopped) {
      const room = this.#maxBuffered - this.#buffered;
      if (room <= 0) {
        await this.#progress.wait();
        continue;
      }
      const records = await this.#source.next(Math.min(room, 10_000));
      if (records === 'gone') {
        this.#sourceGone = !this.stopped;
        // Lanes finish what they hold, then stop: no more input is coming.
        for (const l of this.#lanes) l.signal.notify();
        return;
      }
      if (records === 'end') {
        // A closed shard read to its end: finish once every lane is done with it.
        this.#endReached = true;
        for (const l of this.#lanes) l.signal.notify();
        while (!this.stopped && this.#head < this.#inflight.length) await this.#progress.wait();
        return;
      }
      this.#readPos = records[records.length - 1]!.position + 1;
      this.#d.events.emit('polled', { uuid: m.uuid, shardId: this.shardId, records: records.length });
      const now = Date.now();
      let filtered = 0;
      for (const r of records) {
        if (m.filter && !m.filter.matches(this.#filterView.of(r))) {
          filtered++;
          continue;
        }
        // One lane (ParallelizationFactor 1) needs no key: a stored record's key then stays undecoded.
        const lanes = this.#lanes;
        const lane = lanes.length === 1 ? lanes[0]! : lanes[laneOf(r.partitionKey, lanes.length)]!;
        if (lane.queue.length === 0) lane.since = now;
        lane.queue.push(encodeRecord(r, this.#ctx));
        this.#inflight.push(r.position);
        this.#buffered++;
      }
      if (filtered > 0) {
        this.#d.events.emit('filtered', { uuid: m.uuid, shardId: this.shardId, records: filtered });
        this.#advance();
      }
      for (const l of this.#lanes) if (l.queue.length > 0) l.signal.notify();
    }
  }

  async #laneLoop(lane: Lane): Promise<void> {
    if (this.#m.tumblingWindowMs > 0) return this.#windowLaneLoop(lane);
    const m = this.#m;
    while (!this.stopped) {
      if (lane.queue.length === 0) {
        if (this.#endReached || this.#sourceGone) return;
        await lane.signal.wait();
        continue;
      }
      if (await this.#gathering(lane)) continue;
      const n = batchCut(lane.queue, m.batchSize);
      const batch = lane.queue.splice(0, n);
      lane.since = Date.now();
      try {
        await this.#processBatch(batch, this.#plain);
      } catch (err) {
        if (err instanceof Stopped) return;
        throw err;
      }
    }
  }

  /**
   * MaximumBatchingWindowInSeconds: while a lane holds less than a full batch and its window is still
   * open, wait for more records (or the window's end). True when it waited, so the caller looks again.
   */
  async #gathering(lane: Lane): Promise<boolean> {
    const m = this.#m;
    if (m.windowMs === 0 || lane.queue.length >= m.batchSize || this.#endReached) return false;
    const wait = lane.since + m.windowMs - Date.now();
    if (wait <= 0) return false;
    await race(lane.signal.wait(), sleep(wait, this.#abort.signal));
    return true;
  }

  readonly #plain: InvokeStrategy = {
    payload: (records) => buildPayload(records, this.#ctx),
    judge: (result, records) => judgeInvoke(result, records, this.#m.reportBatchItemFailures),
    succeeded: (records) => this.#markDone(records),
  };

  /**
   * Tumbling windows: batches hold records of one window; each invoke carries the state the function
   * returned last; once the window is over (its end passed, a later window's record is next, the shard
   * ended, or the state outgrew 1 MB) a final invoke must succeed before the lane moves on. Records of
   * a window are checkpointed only then, so a restart replays the whole window and rebuilds its state.
   */
  async #windowLaneLoop(lane: Lane): Promise<void> {
    const m = this.#m;
    const length = m.tumblingWindowMs;
    while (!this.stopped) {
      const head = lane.queue[0];
      const w = lane.window;
      if (w) {
        const headInWindow = head !== undefined && windowStartOf(head.record.arrival, length) === w.start;
        const over =
          w.terminatedEarly ||
          Date.now() >= w.end ||
          (head !== undefined && !headInWindow) ||
          (this.#endReached && !head);
        if (over && !headInWindow) {
          try {
            await this.#finalWindowInvoke(w);
          } catch (err) {
            if (err instanceof Stopped) return;
            throw err;
          }
          lane.window = undefined;
          continue;
        }
      }
      if (!head) {
        if ((this.#endReached || this.#sourceGone) && !lane.window) return;
        const until = lane.window ? lane.window.end - Date.now() : undefined;
        if (until === undefined) await lane.signal.wait();
        else await race(lane.signal.wait(), sleep(Math.max(0, until), this.#abort.signal));
        continue;
      }
      if (await this.#gathering(lane)) continue;
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
      const n = batchCut(
        lane.queue.slice(0, inWindow),
        m.batchSize,
        Buffer.byteLength(JSON.stringify(win.state)) + 512,
      );
      const batch = lane.queue.splice(0, n);
      lane.since = Date.now();
      try {
        await this.#processBatch(batch, this.#windowStrategy(win));
      } catch (err) {
        if (err instanceof Stopped) return;
        throw err;
      }
    }
  }

  #windowStrategy(win: OpenWindow, isFinal = false): InvokeStrategy {
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
        this.#release(records.length);
      },
    };
  }

  /** The final invoke of a window: no records, isFinalInvokeForWindow true; retried like any batch. */
  async #finalWindowInvoke(w: OpenWindow): Promise<void> {
    const m = this.#m;
    const strategy = this.#windowStrategy(w, true);
    for (let retries = 0; ;) {
      const result = await this.#invokeUntilDelivered([], strategy);
      const outcome = strategy.judge(result, []);
      this.#d.events.emit('batch', {
        uuid: m.uuid,
        shardId: this.shardId,
        records: 0,
        firstSequenceNumber: '',
        lastSequenceNumber: '',
        outcome: outcome.kind,
        durationMs: result.durationMs,
        iteratorAgeMs: 0,
        ...(result.functionError ? { functionError: result.functionError } : {}),
      });
      if (outcome.kind === 'success') {
        this.#d.setResult(m.uuid, LAST_PROCESSING_RESULT.ok);
        this.#markDone(w.processed, false);
        return;
      }
      this.#d.setResult(m.uuid, LAST_PROCESSING_RESULT.functionError);
      retries++;
      if (m.maxRetries >= 0 && retries > m.maxRetries) {
        // The window's records were processed but its result was never accepted: report and move on.
        if (w.processed.length > 0) {
          await this.#discard(
            'RetryAttemptsExhausted',
            w.processed,
            retries,
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
      await this.#backoff(retries);
    }
  }

  /** Marks records done and moves the checkpoint over the done prefix. */
  #markDone(records: ReadonlyArray<EncodedRecord>, release = true): void {
    for (const r of records) this.#done.add(r.record.position);
    if (release) this.#buffered -= records.length;
    this.#advance();
    this.#progress.notify();
  }

  /** Frees read-ahead room for records that are processed but not yet checkpointed (tumbling windows). */
  #release(count: number): void {
    this.#buffered -= count;
    this.#progress.notify();
  }

  #advance(): void {
    const inflight = this.#inflight;
    while (this.#head < inflight.length && this.#done.has(inflight[this.#head]!)) {
      this.#done.delete(inflight[this.#head]!);
      this.#head++;
    }
    if (this.#head > 4096 && this.#head * 2 > inflight.length) {
      this.#inflight = inflight.slice(this.#head);
      this.#head = 0;
    }
    const position = this.#head < this.#inflight.length ? this.#inflight[this.#head]! : this.#readPos;
    if (position > this.#lastCheckpoint) {
      this.#lastCheckpoint = position;
      void this.#cps.set(this.shardId, { position }).then(
        () => {
          this.#d.events.emit('checkpoint', {
            uuid: this.#m.uuid,
            shardId: this.shardId,
            position,
            finished: false,
          });
        },
        // A failed write (disk full...) keeps the checkpoint pending: the next round writes it again.
        () => undefined,
      );
    }
  }

  /** Resolves when every record of the batch is done: processed, or discarded per the error handling settings. */
  async #processBatch(batch: EncodedRecord[], strategy: InvokeStrategy): Promise<void> {
    const m = this.#m;
    let current = batch;
    let invokeCount = 0;
    let retries = 0;
    for (;;) {
      current = await this.#dropExpired(current, invokeCount);
      if (current.length === 0) return;
      const started = Date.now();
      const result = await this.#invokeUntilDelivered(current, strategy);
      invokeCount++;
      const outcome = strategy.judge(result, current);
      const last = current[current.length - 1]!.record;
      const finished = Date.now();
      this.#d.events.emit('batch', {
        uuid: m.uuid,
        shardId: this.shardId,
        records: current.length,
        firstSequenceNumber: current[0]!.record.sequenceNumber,
        lastSequenceNumber: last.sequenceNumber,
        outcome: outcome.kind,
        durationMs: finished - started,
        iteratorAgeMs: Math.max(0, finished - last.arrival),
        ...(result.functionError ? { functionError: result.functionError } : {}),
      });
      if (outcome.kind === 'success') {
        this.#d.setResult(m.uuid, LAST_PROCESSING_RESULT.ok);
        strategy.succeeded(current);
        return;
      }
      this.#d.setResult(m.uuid, LAST_PROCESSING_RESULT.functionError);
      if (outcome.failedFrom > 0) {
        // Partial batch response: everything before the lowest failed item is done.
        strategy.succeeded(current.slice(0, outcome.failedFrom));
        current = current.slice(outcome.failedFrom);
      } else if (m.bisect && current.length > 1) {
        // Bisect: retry each half on its own; splitting does not use up retries.
        const mid = Math.ceil(current.length / 2);
        await this.#processBatch(current.slice(0, mid), strategy);
        await this.#processBatch(current.slice(mid), strategy);
        return;
      }
      retries++;
      if (m.maxRetries >= 0 && retries > m.maxRetries) {
        await this.#discard('RetryAttemptsExhausted', current, invokeCount, result.requestId, {
          statusCode: result.statusCode,
          functionError: outcome.functionError,
        });
        return;
      }
      await this.#backoff(retries);
    }
  }

  async #backoff(attempt: number): Promise<void> {
    const ms = Math.min(this.#d.retryMaxMs, this.#d.retryBaseMs * 2 ** Math.min(attempt - 1, 20));
    await sleep(ms, this.#abort.signal);
    if (this.stopped) throw new Stopped();
  }

  /** Invokes until the function ran; throttles and service errors are retried without counting. */
  async #invokeUntilDelivered(batch: EncodedRecord[], strategy: InvokeStrategy): Promise<InvokeResult> {
    const payload = strategy.payload(batch);
    for (let attempt = 1; ; attempt++) {
      if (this.stopped) throw new Stopped();
      try {
        return await this.#d.invoker.invoke(this.#m.functionArn, payload);
      } catch (err) {
        const type = err instanceof AwsError ? err.type : 'ServiceException';
        const throttled = type === 'TooManyRequestsException';
        this.#d.setResult(
          this.#m.uuid,
          throttled
            ? LAST_PROCESSING_RESULT.throttled
            : type === 'ResourceNotFoundException'
              ? LAST_PROCESSING_RESULT.functionMissing
              : `PROBLEM: ${type}`,
        );
        const last = batch[batch.length - 1]?.record;
        this.#d.events.emit('batch', {
          uuid: this.#m.uuid,
          shardId: this.shardId,
          records: batch.length,
          firstSequenceNumber: batch[0]?.record.sequenceNumber ?? '',
          lastSequenceNumber: last?.sequenceNumber ?? '',
          outcome: throttled ? 'throttled' : 'error',
          durationMs: 0,
          iteratorAgeMs: last ? Math.max(0, Date.now() - last.arrival) : 0,
        });
        await this.#backoff(attempt);
      }
    }
  }

  /** MaximumRecordAgeInSeconds: records older than it are not sent (condition RecordAgeExceeded). */
  async #dropExpired(batch: EncodedRecord[], invokeCount: number): Promise<EncodedRecord[]> {
    if (this.#m.maxRecordAgeMs < 0) return batch;
    const cutoff = Date.now() - this.#m.maxRecordAgeMs;
    let n = 0;
    // Arrival times are monotonic within a shard, so the expired records are a prefix.
    while (n < batch.length && batch[n]!.record.arrival < cutoff) n++;
    if (n === 0) return batch;
    await this.#discard('RecordAgeExceeded', batch.slice(0, n), invokeCount, randomUUID());
    return batch.slice(n);
  }

  async #discard(
    condition: FailureCondition,
    records: EncodedRecord[],
    invokeCount: number,
    requestId: string,
    response?: { statusCode: number; functionError: string | null },
    release = true,
  ): Promise<void> {
    const m = this.#m;
    let delivered = false;
    if (m.onFailure && this.#d.destinations) {
      const body = JSON.stringify(
        failureRecord({
          condition,
          records,
          shardId: this.shardId,
          streamArn: m.streamArn,
          functionArn: m.functionArn,
          requestId,
          approximateInvokeCount: invokeCount,
          ...(response ? { response } : {}),
        }),
      );
      // Delivery is retried; a destination that stays unavailable is counted, never silently dropped.
      for (let attempt = 1; attempt <= 5 && !delivered; attempt++) {
        try {
          await this.#d.destinations.send(m.onFailure, body);
          delivered = true;
        } catch {
          if (attempt < 5)
            await sleep(Math.min(this.#d.retryMaxMs, this.#d.retryBaseMs * 2 ** attempt), this.#abort.signal);
        }
      }
    }
    this.#d.events.emit('discard', {
      uuid: m.uuid,
      shardId: this.shardId,
      condition,
      records: records.length,
      delivered,
      ...(m.onFailure ? { destination: m.onFailure } : {}),
    });
    this.#markDone(records, release);
  }
}
