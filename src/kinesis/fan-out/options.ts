import { ConfigError } from '../../server/config-error.js';

/**
 * Enhanced fan-out timings and limits. Defaults are AWS's; tests shorten the timings so the 5-second
 * and 5-minute rules can be proven without waiting that long.
 */
export interface FanOutOptions {
  /** Longest gap between two SubscribeToShardEvents when no records arrive. @default 5000 */
  heartbeatMs?: number;
  /** How long one SubscribeToShard subscription lasts before the server ends it. @default 300000 */
  subscriptionLifetimeMs?: number;
  /**
   * A second SubscribeToShard for the same consumer and shard within this time of the previous
   * successful call fails with ResourceInUseException; after it, the new call takes over. @default 5000
   */
  takeoverAfterMs?: number;
  /** Most record bytes (data + partition key) one event carries; at least one record is always sent. @default 1048576 */
  maxEventBytes?: number;
  /** Most records one event carries. @default 10000 */
  maxEventRecords?: number;
  /** Consumers a stream can have registered (any status). @default 20 */
  maxConsumersPerStream?: number;
  /** Consumers of a stream that may be CREATING at the same time. @default 5 */
  maxCreatingConsumers?: number;
}

export type CompiledFanOutOptions = Required<FanOutOptions>;

/** A bad FanOutOptions field (named as the config file spells it: `fanOut.heartbeatMs`). */
const bad = (field: keyof FanOutOptions, why: string): ConfigError => new ConfigError(`fanOut.${field}`, why);

export const FAN_OUT_DEFAULTS: CompiledFanOutOptions = {
  heartbeatMs: 5_000,
  subscriptionLifetimeMs: 300_000,
  takeoverAfterMs: 5_000,
  maxEventBytes: 1024 * 1024,
  maxEventRecords: 10_000,
  maxConsumersPerStream: 20,
  maxCreatingConsumers: 5,
};

export function compileFanOutOptions(o: FanOutOptions = {}): CompiledFanOutOptions {
  const c: CompiledFanOutOptions = { ...FAN_OUT_DEFAULTS };
  for (const key of Object.keys(FAN_OUT_DEFAULTS) as Array<keyof FanOutOptions>) {
    const v = o[key];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isFinite(v)) throw bad(key, 'must be a finite number');
    c[key] = v;
  }
  const positive: Array<keyof FanOutOptions> = [
    'heartbeatMs',
    'subscriptionLifetimeMs',
    'maxEventBytes',
    'maxEventRecords',
    'maxConsumersPerStream',
    'maxCreatingConsumers',
  ];
  for (const key of positive) if (!(c[key] > 0)) throw bad(key, 'must be > 0');
  if (c.takeoverAfterMs < 0) throw bad('takeoverAfterMs', 'must be >= 0');
  for (const key of ['maxEventRecords', 'maxConsumersPerStream', 'maxCreatingConsumers'] as const) {
    if (!Number.isInteger(c[key])) throw bad(key, 'must be an integer');
  }
  return c;
}
