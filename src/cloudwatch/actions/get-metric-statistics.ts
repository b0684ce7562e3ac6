import { InvalidParameterCombination, InvalidParameterValue, MissingParameter } from '../errors.js';
import { CloudWatchInput, fullDimensions } from '../input.js';
import type { MetricStore } from '../metric-store.js';
import {
  aggregate,
  BASIC_STATISTICS,
  parseStat,
  periodCount,
  statValue,
  type StatSpec,
} from '../statistics.js';
import { checkPeriod, checkTimeRange, namespaceRules, readTimeRange, STANDARD_UNITS } from './common.js';

/** GetMetricStatistics returns at most this many datapoints. */
const MAX_DATAPOINTS = 1440;

/** GetMetricStatistics: one metric (exact dimensions), statistics per period. */
export async function getMetricStatistics(
  store: MetricStore,
  input: Record<string, unknown>,
): Promise<unknown> {
  const v = new CloudWatchInput(input);
  const namespace = v.string('Namespace', namespaceRules(true))!;
  const metricName = v.string('MetricName', namespaceRules(true))!;
  const dims = fullDimensions(v.dimensions('Dimensions', { valueRequired: true }));
  const { start, end } = readTimeRange(v);
  const period = v.integer('Period', { required: true, min: 1 })!;
  const statistics = v.strings('Statistics', { min: 1, max: 5 });
  const extended = v.strings('ExtendedStatistics', { min: 1, max: 10 });
  const unit = v.string('Unit', { enum: STANDARD_UNITS });
  statistics?.forEach((s, i) => {
    if (!(BASIC_STATISTICS as readonly string[]).includes(s)) {
      v.fail(
        `statistics.${i + 1}.member`,
        s,
        `Member must satisfy enum value set: [${BASIC_STATISTICS.join(', ')}]`,
      );
    }
  });
  v.check();

  if (!statistics?.length && !extended?.length)
    throw MissingParameter('Must specify either Statistics or ExtendedStatistics.');
  if (statistics?.length && extended?.length) {
    throw InvalidParameterCombination('Must specify either Statistics or ExtendedStatistics, but not both.');
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
}
