import { operation } from '../../server/operations.js';
import type { KinesisContext } from '../kinesis-context.js';
import { changeRetention, RETENTION_INPUT } from '../retention.js';

/** IncreaseStreamRetentionPeriod: 24..8760 hours, not shorter than the current period. */
export const increaseStreamRetentionPeriod = operation({
  input: RETENTION_INPUT,
  run: (k: KinesisContext, input) => changeRetention(k, input, 'increase'),
});
