import type { EventEmitter } from 'node:events';
import type { FunctionInvoker } from '../../lambda/invoker.js';
import type { Clock } from '../../server/clock.js';
import type { MappingEvents } from './events.js';
import type { FailureSink } from './failure-sink.js';

/** Where the engine reports a bug: logged once with the mapping and shard, counted, never turned into a state. */
export interface BugReporter {
  bug(err: unknown, where: { uuid: string; shardId?: string; what: string }): void;
}

/** What the engine's parts need from the server; tests pass fakes (invoker, clock, sink). */
export interface EngineDeps {
  invoker: Pick<FunctionInvoker, 'invoke'>;
  /** Delivers failure records to on-failure destinations; undefined when the server has none. */
  sink: FailureSink | undefined;
  clock: Clock;
  region: string;
  events: EventEmitter<MappingEvents>;
  /** Backoff between retries of a batch: base * 2^n, capped. */
  retryBaseMs: number;
  retryMaxMs: number;
  /** Records the mapping's LastProcessingResult. */
  setResult(uuid: string, result: string): void;
  bugs: BugReporter;
}
