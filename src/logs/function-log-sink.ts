import type { Logger } from 'pino';
import type { Clock } from '../server/clock.js';
import type { LogStore } from './log-store.js';
import type { LogEvent } from './model.js';

/** Where function lines come from: the Lambda component's `log` events (a worker's line and its stream). */
export interface FunctionLogSource {
  on(event: 'log', listener: (e: FunctionLine) => void): unknown;
  off(event: 'log', listener: (e: FunctionLine) => void): unknown;
}

interface FunctionLine {
  functionName: string;
  line: string;
  logStream: string;
}

/** How long lines wait to be stored together: one append per stream per burst, never one per line. */
const FLUSH_DELAY_MS = 20;

/**
 * Files functions' lines in CloudWatch Logs as Lambda does: group `/aws/lambda/<function>` (made when missing,
 * also after DeleteLogGroup, as Lambda's service role does), one stream per worker (`YYYY/MM/DD/[$LATEST]<id>`,
 * the worker's AWS_LAMBDA_LOG_STREAM_NAME), each line an event stamped when it arrived, ending in a newline as
 * Lambda's events do. Lines are batched per stream; `flush()` stores what has arrived so far.
 */
export class FunctionLogSink {
  readonly #store: LogStore;
  readonly #clock: Clock;
  readonly #log: Logger;
  #pending = new Map<string, { group: string; stream: string; events: LogEvent[] }>();
  #timer: NodeJS.Timeout | undefined;
  /** Flushes run one after another (a group or stream is made once). */
  #flushing: Promise<void> = Promise.resolve();
  readonly #onLine: (e: FunctionLine) => void;

  constructor(source: FunctionLogSource, store: LogStore, clock: Clock, log: Logger) {
    this.#store = store;
    this.#clock = clock;
    this.#log = log;
    this.#onLine = (e) => this.#line(e.functionName, e.logStream, e.line);
    source.on('log', this.#onLine);
    this.#source = source;
  }

  readonly #source: FunctionLogSource;

  #line(functionName: string, stream: string, line: string): void {
    const group = `/aws/lambda/${functionName}`;
    const key = `${group}:${stream}`;
    let p = this.#pending.get(key);
    if (!p) this.#pending.set(key, (p = { group, stream, events: [] }));
    p.events.push({ timestamp: this.#clock.now(), message: `${line}\n` });
    this.#timer ??= setTimeout(() => void this.flush(), FLUSH_DELAY_MS);
  }

  /** Stores every line received so far; resolves when they are durable. */
  flush(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const batch = this.#pending;
    if (batch.size === 0) return this.#flushing;
    this.#pending = new Map();
    const run = this.#flushing.then(async () => {
      for (const { group, stream, events } of batch.values()) {
        const now = this.#clock.now();
        const g = this.#store.group(group) ?? (await this.#store.createGroup(group, now));
        const s = g.streams.get(stream) ?? (await this.#store.createStream(group, stream, now));
        await this.#store.append(s, events, now);
      }
    });
    this.#flushing = run.catch((err: unknown) => {
      this.#log.error({ err }, 'storing function log lines in CloudWatch Logs failed');
    });
    return this.#flushing;
  }

  async close(): Promise<void> {
    this.#source.off('log', this.#onLine);
    await this.flush();
  }
}
