import type { CompiledFilter } from '../filter/index.js';
import type { MappingMeta } from '../model.js';

/** The parts of a mapping the engine needs, resolved once when a runner starts. */
export interface CompiledMapping {
  uuid: string;
  functionArn: string;
  streamName: string;
  streamArn: string;
  /** Set when the mapping reads through an enhanced fan-out consumer. */
  consumerArn: string | undefined;
  batchSize: number;
  windowMs: number;
  parallelization: number;
  /** -1 = retry until the record expires. */
  maxRetries: number;
  /** -1 = no age limit; otherwise ms (scaled by the test hook). */
  maxRecordAgeMs: number;
  bisect: boolean;
  reportBatchItemFailures: boolean;
  onFailure: string | undefined;
  filter: CompiledFilter | undefined;
  tumblingWindowMs: number;
}

export function compileMapping(
  m: MappingMeta,
  streamName: string,
  streamArn: string,
  filter: CompiledFilter | undefined,
  recordAgeScale: number,
  consumerArn?: string,
): CompiledMapping {
  return {
    uuid: m.UUID,
    functionArn: m.FunctionArn,
    streamName,
    streamArn,
    consumerArn,
    batchSize: m.BatchSize,
    windowMs: m.MaximumBatchingWindowInSeconds * 1000,
    parallelization: m.ParallelizationFactor,
    maxRetries: m.MaximumRetryAttempts,
    maxRecordAgeMs:
      m.MaximumRecordAgeInSeconds === -1 ? -1 : (m.MaximumRecordAgeInSeconds * 1000) / recordAgeScale,
    bisect: m.BisectBatchOnFunctionError,
    reportBatchItemFailures: m.FunctionResponseTypes.includes('ReportBatchItemFailures'),
    onFailure: m.DestinationConfig.OnFailure?.Destination,
    filter,
    tumblingWindowMs: m.TumblingWindowInSeconds * 1000,
  };
}
