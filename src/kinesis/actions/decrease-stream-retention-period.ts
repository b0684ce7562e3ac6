import type { KinesisContext } from '../kinesis-context.js';
import { changeRetention } from '../retention.js';

/** DecreaseStreamRetentionPeriod: 24..8760 hours, not longer than the current period. Expired records are trimmed by the next retention pass. */
export async function decreaseStreamRetentionPeriod(
  k: KinesisContext,
  input: Record<string, unknown>,
): Promise<unknown> {
  return changeRetention(k, input, 'decrease');
}
