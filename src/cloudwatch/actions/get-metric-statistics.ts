import { operation } from '../../server/operations.js';
import { double, integer, list, map, required, string, structure, timestamp } from '../../server/shapes.js';
import { InvalidParameterCombination, InvalidParameterValue, MissingParameter } from '../errors.js';
import type { MetricStore } from '../metric-store.js';
import {
  aggregate,
  BASIC_STATISTICS,
  parseStat,
  periodCount,
  statValue,
  type StatSpec,
} from '../statistics.js';
import { checkPeriod, checkTimeRange, DIMENSION, NAME, STANDARD_UNITS } from './common.js';

/** GetMetricStatistics returns at most this many datapoints. */
const MAX_DATAPOINTS = 1440;

/** GetMetricStatistics: one metric (exact dimensions), statistics per period. */
export const getMetricStatistics = operation({
  input: structure({
    Namespace: required(string(NAME)),
    MetricName: required(string(NAME)),
    Dimensions: list(DIMENSION, { max: 30 }),
    StartTime: required(timestamp()),
    EndTime: required(timestamp()),
    Period: required(integer({ min: 1 })),
    Statistics: list(string({ enum: BASIC_STATISTICS }), { min: 1, max: 5 }),
    ExtendedStatistics: list(string(), { min: 1, max: 10 }),
    Unit: string({ enum: STANDARD_UNITS }),
  }),
  // Members in the model's xmlOrder.
  output: structure({
    Label: string(),
    Datapoints: list(
      structure({
        Timestamp: timestamp(),
        SampleCount: double(),
        Average: double(),
        Sum: double(),
        Minimum: double(),
        Maximum: double(),
        Unit: string(),
        ExtendedStatistics: map(double()),
      }),
    ),
  }),
  async run(store: MetricStore, input) {
    const { Namespace: namespace, MetricName: metricName, Dimensions: dims = [], Period: period } = input;
    const { StartTime: start, EndTime: end, Statistics: statistics, ExtendedStatistics: extended } = input;
    const unit = input.Unit;
    if (!statistics?.length && !extended?.length)
      throw MissingParameter('Must specify either Statistics or ExtendedStatistics.');
    if (statistics?.length && extended?.length) {
      throw InvalidParameterCombination(
        'Must specify either Statistics or ExtendedStatistics, but not both.',
      );
    }
    const specs: StatSpec[] = [];
    for (const s of statistics ?? []) specs.push(parseStat(s)!);
    for (const s of extended ?? []) {
      const spec = parseStat(s);
      if (!spec || spec.kind !== 'percentile') {
        throw InvalidParameterValue(`The value ${s} for parameter ExtendedStatistics is not supported.`);
      }
      specs.push(spec);
    }
    checkPeriod(period, 'Period');
    checkTimeRange(start, end);
    const requested = periodCount(start, end, period);
    if (requested > MAX_DATAPOINTS) {
      throw InvalidParameterCombination(
        `You have requested up to ${requested} datapoints, which exceeds the limit of ${MAX_DATAPOINTS}. ` +
          'You may reduce the datapoints requested by increasing Period, or decreasing the time range.',
      );
    }

    const series = store.get(namespace, metricName, dims);
    const datapoints: Array<Record<string, unknown>> = [];
    if (series && (unit === undefined || unit === series.unit)) {
      for (const { start: ts, values } of aggregate(series, start, end, period)) {
        const dp: Record<string, unknown> = { Timestamp: new Date(ts) };
        const ext: Record<string, number> = {};
        for (const spec of specs) {
          const value = statValue(values, spec);
          if (value === undefined) continue;
          if (spec.kind === 'basic') dp[spec.name] = value;
          else ext[spec.name] = value;
        }
        dp['Unit'] = series.unit;
        if (extended?.length) dp['ExtendedStatistics'] = ext;
        datapoints.push(dp);
      }
    }
    return { Label: metricName, Datapoints: datapoints };
  },
});
