import { operation } from '../../server/operations.js';
import { changeMonitoring, MONITORING_INPUT } from '../enhanced-monitoring.js';
import type { KinesisContext } from '../kinesis-context.js';

/** EnableEnhancedMonitoring: adds shard-level metrics (`ALL`: every one) to the stream's. */
export const enableEnhancedMonitoring = operation({
  input: MONITORING_INPUT,
  run: (k: KinesisContext, input) => changeMonitoring(k, input, 'enable'),
});
