import { AwsError } from '../../server/errors.js';
import { Validator } from '../../server/validator.js';
import { compileFilterCriteria } from '../filter/index.js';
import type { DestinationConfig, StartingPosition } from '../model.js';
import type { MappingsContext } from '../mappings-context.js';

export const InvalidParameterValue = (message: string): AwsError =>
  new AwsError('InvalidParameterValueException', message, 400);

/** Fields shared by Create and Update, validated with AWS's ranges (Lambda API model). */
export interface MappingFields {
  FunctionName?: string;
  BatchSize?: number;
  MaximumBatchingWindowInSeconds?: number;
  ParallelizationFactor?: number;
  MaximumRecordAgeInSeconds?: number;
  BisectBatchOnFunctionError?: boolean;
  MaximumRetryAttempts?: number;
  TumblingWindowInSeconds?: number;
  FunctionResponseTypes?: string[];
  DestinationConfig?: DestinationConfig;
  FilterCriteria?: { Filters: Array<{ Pattern: string }> };
  MetricsConfig?: { Metrics: string[] };
  Enabled?: boolean;
}

export function parseMappingFields(c: MappingsContext, v: Validator): MappingFields {
  const f: MappingFields = {};
  f.FunctionName = v.string('FunctionName', { min: 1, max: 140 });
  f.BatchSize = v.integer('BatchSize', { min: 1, max: 10000 });
  f.MaximumBatchingWindowInSeconds = v.integer('MaximumBatchingWindowInSeconds', { min: 0, max: 300 });
  f.ParallelizationFactor = v.integer('ParallelizationFactor', { min: 1, max: 10 });
  f.MaximumRecordAgeInSeconds = v.integer('MaximumRecordAgeInSeconds', { min: -1, max: 604800 });
  f.BisectBatchOnFunctionError = v.boolean('BisectBatchOnFunctionError');
  f.MaximumRetryAttempts = v.integer('MaximumRetryAttempts', { min: -1, max: 10000 });
  f.TumblingWindowInSeconds = v.integer('TumblingWindowInSeconds', { min: 0, max: 900 });
  f.Enabled = v.boolean('Enabled');
  const types = v.list('FunctionResponseTypes');
  if (types !== undefined) {
    if (types.length > 1)
      v.fail('functionResponseTypes', types, 'Member must have length less than or equal to 1');
    types.forEach((t, i) => {
      v.enumeration('FunctionResponseTypes', ['ReportBatchItemFailures'], {
        value: t,
        path: `functionResponseTypes.${i + 1}.member`,
      });
    });
    f.FunctionResponseTypes = types.map(String);
  }
  const dest = v.map('DestinationConfig');
  const metrics = v.map('MetricsConfig');
  const filter = v.map('FilterCriteria');
  v.check();

  // Semantic checks beyond the model's ranges, as AWS applies them for Kinesis sources.
  const age = f.MaximumRecordAgeInSeconds;
  if (age !== undefined && age !== -1 && age < 60) {
    throw InvalidParameterValue(
      'MaximumRecordAgeInSeconds must be either -1 (infinite) or in the range [60, 604800].',
    );
  }
  if (dest !== undefined) f.DestinationConfig = parseDestination(c, dest);
  if (filter !== undefined) {
    const filters = filter['Filters'];
    compileFilterCriteria(filter);
    f.FilterCriteria = {
      Filters: Array.isArray(filters)
        ? (filters as Array<{ Pattern: string }>).map((x) => ({ Pattern: x.Pattern }))
        : [],
    };
  }
  if (metrics !== undefined) {
    const list = metrics['Metrics'];
    if (!Array.isArray(list) || list.some((x) => x !== 'EventCount')) {
      throw new AwsError(
        'ValidationException',
        `1 validation error detected: Value '${JSON.stringify(list)}' at 'metricsConfig.metrics' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [EventCount]]`,
        400,
      );
    }
    f.MetricsConfig = { Metrics: list as string[] };
  }
  return f;
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

export function parseStartingPosition(v: Validator): { position?: StartingPosition; timestamp?: number } {
  const position = v.enumeration<StartingPosition>('StartingPosition', [
    'TRIM_HORIZON',
    'LATEST',
    'AT_TIMESTAMP',
  ]);
  const ms = v.timestamp('StartingPositionTimestamp');
  return { position, timestamp: ms === undefined ? undefined : ms / 1000 };
}
