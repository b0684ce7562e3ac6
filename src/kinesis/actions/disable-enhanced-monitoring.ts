import { operation } from '../../server/operations.js';
import { changeMonitoring, MONITORING_INPUT } from '../enhanced-monitoring.js';
import type { KinesisContext } from '../kinesis-context.js';

/** DisableEnhancedMonitoring: removes shard-level metrics (`ALL`: every one) from the stream's. */
export const disableEnhancedMonitoring = operation({
  input: MONITORING_INPUT,
  run: (k: KinesisContext, input) => changeMonitoring(k, input, 'disable'),
});
