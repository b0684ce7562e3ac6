/**
 * Event filtering for Kinesis event source mappings (Lambda `FilterCriteria`): EventBridge-style patterns on
 * the record metadata and its JSON `data`. Pure and synchronous; the mapping engine compiles the criteria once
 * (on Create/UpdateEventSourceMapping, where the errors surface) and calls `matches` per polled record.
 */
export {
  compileFilterCriteria,
  MAX_FILTERS,
  MAX_PATTERN_LENGTH,
  type CompiledFilter,
} from './compile-criteria.js';
export type { FilterableKinesisRecord } from './kinesis-record.js';
export { INVALID_PATTERN_MESSAGE } from './errors.js';
