import { AwsError } from '../../server/errors.js';
import {
  boolean,
  integer,
  list,
  string,
  structure,
  timestamp,
  unchecked,
  type Infer,
  type StructureShape,
} from '../../server/shapes.js';
import { compileFilterCriteria } from '../filter/index.js';
import type { DestinationConfig } from '../model.js';
import type { MappingsContext } from '../mappings-context.js';

export const InvalidParameterValue = (message: string): AwsError =>
  new AwsError('InvalidParameterValueException', message, 400);

/**
 * Fields shared by Create and Update, with AWS's ranges (Lambda API model). DestinationConfig, MetricsConfig and
 * FilterCriteria are checked beyond their shape by `mappingFields`, in Lambda's words.
 */
export const MAPPING_FIELDS = {
  FunctionName: string({ min: 1, max: 140 }),
  BatchSize: integer({ min: 1, max: 10000 }),
  MaximumBatchingWindowInSeconds: integer({ min: 0, max: 300 }),
  ParallelizationFactor: integer({ min: 1, max: 10 }),
  MaximumRecordAgeInSeconds: integer({ min: -1, max: 604800 }),
  BisectBatchOnFunctionError: boolean(),
  MaximumRetryAttempts: integer({ min: -1, max: 10000 }),
  TumblingWindowInSeconds: integer({ min: 0, max: 900 }),
  Enabled: boolean(),
  FunctionResponseTypes: list(string({ enum: ['ReportBatchItemFailures'] }), { max: 1 }),
  DestinationConfig: structure({ OnSuccess: unchecked(structure({})), OnFailure: unchecked(structure({})) }),
  MetricsConfig: structure({ Metrics: unchecked(list(string())) }),
  FilterCriteria: structure({ Filters: unchecked(list(structure({ Pattern: string() }))) }),
};

type Fields = Infer<StructureShape<typeof MAPPING_FIELDS>>;

/** The fields as a mapping takes them: validated members, and the checks AWS applies for Kinesis sources. */
export interface MappingFields extends Omit<
  Fields,
  'DestinationConfig' | 'MetricsConfig' | 'FilterCriteria'
> {
  DestinationConfig?: DestinationConfig;
  FilterCriteria?: { Filters: Array<{ Pattern: string }> };
  MetricsConfig?: { Metrics: string[] };
}

export function mappingFields(c: MappingsContext, input: Fields): MappingFields {
  const { DestinationConfig: dest, MetricsConfig: metrics, FilterCriteria: filter, ...f } = input;
  const out: MappingFields = f;
  // Semantic checks beyond the model's ranges, as AWS applies them for Kinesis sources.
  const age = f.MaximumRecordAgeInSeconds;
  if (age !== undefined && age !== -1 && age < 60) {
    throw InvalidParameterValue(
      'MaximumRecordAgeInSeconds must be either -1 (infinite) or in the range [60, 604800].',
    );
  }
  if (dest !== undefined) out.DestinationConfig = parseDestination(c, dest);
  if (filter !== undefined) {
    const filters = filter.Filters;
    compileFilterCriteria(filter);
    out.FilterCriteria = {
      Filters: Array.isArray(filters)
        ? (filters as Array<{ Pattern: string }>).map((x) => ({ Pattern: x.Pattern }))
        : [],
    };
  }
  if (metrics !== undefined) {
    const list = metrics.Metrics;
    if (!Array.isArray(list) || list.some((x) => x !== 'EventCount')) {
      throw new AwsError(
        'ValidationException',
        `1 validation error detected: Value '${JSON.stringify(list)}' at 'metricsConfig.metrics' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [EventCount]]`,
        400,
      );
    }
    out.MetricsConfig = { Metrics: list as string[] };
  }
  return out;
}

function parseDestination(c: MappingsContext, dest: Record<string, unknown>): DestinationConfig {
  const onSuccess = dest['OnSuccess'] as { Destination?: unknown } | undefined;
  if (onSuccess && onSuccess.Destination !== undefined && onSuccess.Destination !== null) {
    throw InvalidParameterValue(
      'Unsupported DestinationConfig parameter for given event source mapping type.',
    );
  }
  const onFailure = dest['OnFailure'] as { Destination?: unknown } | undefined;
  const target = onFailure?.Destination;
  if (target === undefined || target === null || target === '') return { OnFailure: {} };
  if (typeof target !== 'string')
    throw InvalidParameterValue('The provided destination config DestinationConfig is invalid.');
  const kind = /^arn:aws[\w-]*:(sqs|sns|s3):/.exec(target)?.[1];
  if (kind === undefined) {
    throw InvalidParameterValue(`The provided destination config DestinationConfig is invalid.`);
  }
  if (kind === 's3')
    throw InvalidParameterValue('S3 on-failure destinations are not supported by Tributary.');
  if (!c.destinations?.exists(target)) {
    throw InvalidParameterValue(`The destination ${target} does not exist.`);
  }
  return { OnFailure: { Destination: target } };
}

/** Where a new mapping starts reading (StartingPositionTimestamp is epoch seconds, as AWS keeps it). */
export const STARTING_POSITION = {
  StartingPosition: string({ enum: ['TRIM_HORIZON', 'LATEST', 'AT_TIMESTAMP'] }),
  StartingPositionTimestamp: timestamp(),
};
