/**
 * Mapping lifecycle, as GetEventSourceMapping reports it (AWS):
 * - `Creating` -> `Enabled` (or `Disabled` when created with Enabled=false)
 * - `Enabling` -> `Enabled`, `Disabling` -> `Disabled` (UpdateEventSourceMapping with Enabled)
 * - `Updating` -> back to `Enabled`/`Disabled` (any other update)
 * - `Deleting` -> gone
 * Only `Enabled` mappings read their stream.
 */
export type MappingState =
  'Creating' | 'Enabling' | 'Enabled' | 'Disabling' | 'Disabled' | 'Updating' | 'Deleting';

export type StartingPosition = 'TRIM_HORIZON' | 'LATEST' | 'AT_TIMESTAMP';

export interface DestinationConfig {
  OnFailure?: { Destination?: string };
  OnSuccess?: { Destination?: string };
}

/** The persisted mapping: every field AWS returns, in AWS's names. */
export interface MappingMeta {
  UUID: string;
  EventSourceMappingArn: string;
  EventSourceArn: string;
  FunctionArn: string;
  StartingPosition: StartingPosition;
  /** Epoch seconds. */
  StartingPositionTimestamp?: number;
  BatchSize: number;
  MaximumBatchingWindowInSeconds: number;
  ParallelizationFactor: number;
  MaximumRecordAgeInSeconds: number;
  BisectBatchOnFunctionError: boolean;
  MaximumRetryAttempts: number;
  TumblingWindowInSeconds: number;
  FunctionResponseTypes: string[];
  DestinationConfig: DestinationConfig;
  FilterCriteria?: { Filters: Array<{ Pattern: string }> };
  MetricsConfig?: { Metrics: string[] };
  /** Epoch seconds. */
  LastModified: number;
  LastProcessingResult: string;
  State: MappingState;
  StateTransitionReason: string;
  /** TagResource / CreateEventSourceMapping's Tags (ListTags reads them; not part of the configuration shape). */
  Tags?: Record<string, string>;
  /** What the user asked for: the state a transition ends in. */
  enabled: boolean;
  /** Epoch ms at creation: LATEST / AT_TIMESTAMP are resolved against the stream as of this instant. */
  createdAtMs: number;
}

export const LAST_PROCESSING_RESULT = {
  none: 'No records processed',
  ok: 'OK',
  functionError: 'PROBLEM: Function call failed',
  throttled: 'PROBLEM: Function call throttled',
  functionMissing: 'PROBLEM: Function not found',
} as const;

/** The API shape (EventSourceMappingConfiguration) of a mapping. */
export function mappingShape(m: MappingMeta): Record<string, unknown> {
  const out: Record<string, unknown> = {
    UUID: m.UUID,
    StartingPosition: m.StartingPosition,
    BatchSize: m.BatchSize,
    MaximumBatchingWindowInSeconds: m.MaximumBatchingWindowInSeconds,
    ParallelizationFactor: m.ParallelizationFactor,
    EventSourceArn: m.EventSourceArn,
    FunctionArn: m.FunctionArn,
    LastModified: m.LastModified,
    LastProcessingResult: m.LastProcessingResult,
    State: m.State,
    StateTransitionReason: m.StateTransitionReason,
    DestinationConfig: { OnFailure: m.DestinationConfig.OnFailure ?? {} },
    FunctionResponseTypes: m.FunctionResponseTypes,
    MaximumRecordAgeInSeconds: m.MaximumRecordAgeInSeconds,
    BisectBatchOnFunctionError: m.BisectBatchOnFunctionError,
    MaximumRetryAttempts: m.MaximumRetryAttempts,
    TumblingWindowInSeconds: m.TumblingWindowInSeconds,
    EventSourceMappingArn: m.EventSourceMappingArn,
  };
  if (m.StartingPositionTimestamp !== undefined)
    out['StartingPositionTimestamp'] = m.StartingPositionTimestamp;
  if (m.FilterCriteria) out['FilterCriteria'] = m.FilterCriteria;
  if (m.MetricsConfig) out['MetricsConfig'] = m.MetricsConfig;
  return out;
}
