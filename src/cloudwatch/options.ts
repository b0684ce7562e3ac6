import { ConfigError } from '../server/config-error.js';

/** Options of the CloudWatch metrics component (`StartOptions.cloudwatch`). */
export interface CloudWatchOptions {
  /** How many one-minute buckets of history are kept (in memory and in the store). @default 1500 (25 h) */
  retentionMinutes?: number;
  /** Most time series kept; the least recently updated one is dropped beyond it. @default 10000 */
  maxSeries?: number;
  /**
   * Most one-minute buckets kept over all series (a bucket is one series' values in one minute, a few
   * hundred bytes); beyond it the oldest minute is dropped. @default 500000
   */
  maxBuckets?: number;
  /** How often (real time) the buckets of the current minute are written to the store. @default 60000 */
  persistIntervalMs?: number;
}

export type CompiledCloudWatchOptions = Required<CloudWatchOptions>;

/** A CloudWatchOptions field was invalid (named as the config file spells it: `cloudwatch.maxSeries`). */
const bad = (field: keyof CloudWatchOptions, why: string): ConfigError =>
  new ConfigError(`cloudwatch.${field}`, why);

export function compileCloudWatchOptions(o: CloudWatchOptions = {}): CompiledCloudWatchOptions {
  const c: CompiledCloudWatchOptions = {
    retentionMinutes: o.retentionMinutes ?? 1500,
    maxSeries: o.maxSeries ?? 10_000,
    maxBuckets: o.maxBuckets ?? 500_000,
    persistIntervalMs: o.persistIntervalMs ?? 60_000,
  };
  if (!Number.isInteger(c.retentionMinutes) || c.retentionMinutes < 1) {
    throw bad('retentionMinutes', 'must be a positive integer');
  }
  if (!Number.isInteger(c.maxSeries) || c.maxSeries < 1) throw bad('maxSeries', 'must be a positive integer');
  if (!Number.isInteger(c.maxBuckets) || c.maxBuckets < 1)
    throw bad('maxBuckets', 'must be a positive integer');
  if (!Number.isFinite(c.persistIntervalMs) || c.persistIntervalMs < 1) {
    throw bad('persistIntervalMs', 'must be a positive number');
  }
  return c;
}
