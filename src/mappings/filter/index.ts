// PLACEHOLDER written by the mapping engine author so the server starts while the filter engine is
// being written in this folder. The filter engine's author replaces this whole file.
import { AwsError } from '../../server/errors.js';

export interface FilterableKinesisRecord {
  partitionKey: string;
  sequenceNumber: string;
  approximateArrivalTimestamp: number;
  data: Uint8Array;
}

export interface CompiledFilter {
  matches(record: FilterableKinesisRecord): boolean;
}

export function compileFilterCriteria(criteria: unknown): CompiledFilter | undefined {
  const filters = (criteria as { Filters?: unknown[] } | undefined)?.Filters;
  if (!filters || filters.length === 0) return undefined;
  throw new AwsError('InvalidParameterValueException', 'Invalid filter pattern definition.', 400);
}
