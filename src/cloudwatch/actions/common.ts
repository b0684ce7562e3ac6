import { InvalidParameterValue } from '../errors.js';
import type { CloudWatchInput } from '../input.js';

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

/** Namespace and MetricName rules shared by the operations. */
export function namespaceRules(required: boolean): { required: boolean; min: number; max: number } {
  return { required, min: 1, max: 255 };
}

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

export function readTimeRange(v: CloudWatchInput): { start: number; end: number } {
  const start = v.timestamp('StartTime', { required: true })!;
  const end = v.timestamp('EndTime', { required: true })!;
  return { start, end };
}
