import { operation } from '../../server/operations.js';
import type { KinesisContext } from '../kinesis-context.js';
import { changeRetention, RETENTION_INPUT } from '../retention.js';

/** DecreaseStreamRetentionPeriod: 24..8760 hours, not longer than the current period. Expired records are trimmed by the next retention pass. */
export const decreaseStreamRetentionPeriod = operation({
  input: RETENTION_INPUT,
  run: (k: KinesisContext, input) => changeRetention(k, input, 'decrease'),
});
