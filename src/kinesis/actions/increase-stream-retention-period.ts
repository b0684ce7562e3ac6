import type { KinesisContext } from '../kinesis-context.js';
import { changeRetention } from '../retention.js';

/** IncreaseStreamRetentionPeriod: 24..8760 hours, not shorter than the current period. */
export async function increaseStreamRetentionPeriod(
  k: KinesisContext,
  input: Record<string, unknown>,
): Promise<unknown> {
  return changeRetention(k, input, 'increase');
}
