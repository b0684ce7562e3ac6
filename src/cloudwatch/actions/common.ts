import { list, required, string, structure } from '../../server/shapes.js';
import { InvalidParameterValue } from '../errors.js';

export const STANDARD_UNITS = [
  'Seconds',
  'Microseconds',
  'Milliseconds',
  'Bytes',
  'Kilobytes',
  'Megabytes',
  'Gigabytes',
  'Terabytes',
  'Bits',
  'Kilobits',
  'Megabits',
  'Gigabits',
  'Terabits',
  'Percent',
  'Count',
  'Bytes/Second',
  'Kilobytes/Second',
  'Megabytes/Second',
  'Gigabytes/Second',
  'Terabytes/Second',
  'Bits/Second',
  'Kilobits/Second',
  'Megabits/Second',
  'Gigabits/Second',
  'Terabits/Second',
  'Count/Second',
  'None',
] as const;

/** Namespace and MetricName: 1-255 characters. */
export const NAME = { min: 1, max: 255 } as const;

/** A dimension of a metric (GetMetricStatistics, GetMetricData's metrics, and outputs). */
export const DIMENSION = structure({
  Name: required(string(NAME)),
  Value: required(string({ min: 1, max: 1024 })),
});

/** A dimension ListMetrics filters by: a value is optional (any value of the name matches). */
export const DIMENSION_FILTER = structure({
  Name: required(string(NAME)),
  Value: string({ min: 1, max: 1024 }),
});

/** A metric in GetMetricData's queries and ListMetrics' answers. */
export const METRIC = structure({
  Namespace: required(string(NAME)),
  MetricName: required(string(NAME)),
  Dimensions: list(DIMENSION, { max: 30 }),
});

/**
 * Our metrics are standard resolution (one-minute buckets), so a period must be whole minutes.
 * (CloudWatch also takes 1/5/10/30 for high-resolution custom metrics, which Tributary does not produce.)
 */
export function checkPeriod(period: number, path: string): void {
  if (period % 60 !== 0) throw InvalidParameterValue(`The parameter ${path} must be a multiple of 60.`);
}

/** StartTime must come before EndTime. */
export function checkTimeRange(start: number, end: number): void {
  if (start >= end)
    throw InvalidParameterValue('The parameter StartTime must be less than the parameter EndTime.');
}
