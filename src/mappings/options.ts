import { ConfigError } from '../server/config-error.js';

/** Options of the mapping engine (`mappings` in a config file). */
export interface MappingsOptions {
  /** First retry delay after a failed or throttled invoke; doubles per retry. @default 100 */
  retryBaseMs?: number;
  /** Longest retry delay. @default 10000 */
  retryMaxMs?: number;
  /**
   * How long a checkpoint waits to be written together with the mapping's others (one transaction and one
   * fsync for all its shards); after a crash at most this much processing is delivered again. @default 10
   */
  checkpointDelayMs?: number;
  /** How often each enabled mapping samples its lag (records behind, IteratorAge) and its watchdog looks. @default 1000 */
  lagIntervalMs?: number;
  /**
   * A shard with records pending and nothing under way (no batch, no throttle or retry backoff, no window
   * pending) for this long is a bug: logged, counted, and its reader restarted from the checkpoint. @default 5000
   */
  stallMs?: number;
}

export function compileMappingsOptions(o: MappingsOptions = {}): Required<MappingsOptions> {
  const c = {
    retryBaseMs: o.retryBaseMs ?? 100,
    retryMaxMs: o.retryMaxMs ?? 10_000,
    checkpointDelayMs: o.checkpointDelayMs ?? 10,
    lagIntervalMs: o.lagIntervalMs ?? 1000,
    stallMs: o.stallMs ?? 5000,
  };
  const bad = (field: keyof MappingsOptions, why: string): ConfigError =>
    new ConfigError(`mappings.${field}`, why);
  if (!(c.lagIntervalMs > 0)) throw bad('lagIntervalMs', 'must be > 0');
  if (!(c.stallMs > 0)) throw bad('stallMs', 'must be > 0');
  if (!(c.retryBaseMs >= 0)) throw bad('retryBaseMs', 'must be >= 0');
  if (!(c.retryMaxMs >= c.retryBaseMs)) throw bad('retryMaxMs', 'must be >= retryBaseMs');
  if (!(c.checkpointDelayMs >= 0)) throw bad('checkpointDelayMs', 'must be >= 0');
  return c;
}
