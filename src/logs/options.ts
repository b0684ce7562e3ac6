import { ConfigError } from '../server/config-error.js';

/** Options of the CloudWatch Logs component (`StartOptions.logs`). */
export interface LogsOptions {
  /**
   * Most bytes of log events kept over all log groups of a region (each region has its own; each event counts its UTF-8 message plus 26 bytes, as
   * AWS sizes them); past it the oldest events go first, whatever their groups' retention, so a chatty
   * function cannot fill the disk. @default 268435456 (256 MiB)
   */
  maxStoredBytes?: number;
  /** How often (real time) expired events are removed under each group's retention policy. @default 60000 */
  retentionSweepMs?: number;
}

export type CompiledLogsOptions = Required<LogsOptions>;

const bad = (field: keyof LogsOptions, why: string): ConfigError => new ConfigError(`logs.${field}`, why);

export function compileLogsOptions(o: LogsOptions = {}): CompiledLogsOptions {
  const c: CompiledLogsOptions = {
    maxStoredBytes: o.maxStoredBytes ?? 256 * 1024 * 1024,
    retentionSweepMs: o.retentionSweepMs ?? 60_000,
  };
  if (!Number.isInteger(c.maxStoredBytes) || c.maxStoredBytes < 1024 * 1024)
    throw bad('maxStoredBytes', 'must be an integer of at least 1048576 (1 MiB)');
  if (!Number.isFinite(c.retentionSweepMs) || c.retentionSweepMs < 1)
    throw bad('retentionSweepMs', 'must be a positive number');
  return c;
}
