import { Distribution } from './distribution.js';
import { MINUTE_MS, type Series } from './metric-store.js';

export const BASIC_STATISTICS = ['SampleCount', 'Average', 'Sum', 'Minimum', 'Maximum'] as const;
export type BasicStatistic = (typeof BASIC_STATISTICS)[number];

/** A statistic to compute: one of the five basic ones, or a percentile `pNN`/`pNN.N`. */
export type StatSpec =
  { kind: 'basic'; name: BasicStatistic } | { kind: 'percentile'; name: string; p: number };

const PERCENTILE = /^p(\d{1,2}(\.\d{0,10})?|100(\.0{0,10})?)$/;

export function parseStat(name: string): StatSpec | undefined {
  if ((BASIC_STATISTICS as readonly string[]).includes(name))
    return { kind: 'basic', name: name as BasicStatistic };
  const m = PERCENTILE.exec(name);
  if (m) return { kind: 'percentile', name, p: Number(m[1]) };
  return undefined;
}

export function statValue(d: Distribution, spec: StatSpec): number | undefined {
  if (d.count === 0) return undefined;
  if (spec.kind === 'percentile') return d.percentile(spec.p);
  switch (spec.name) {
    case 'SampleCount':
      return d.count;
    case 'Average':
      return d.sum / d.count;
    case 'Sum':
      return d.sum;
    case 'Minimum':
      return d.min;
    case 'Maximum':
      return d.max;
  }
}

/** One period with data. */
export interface PeriodValues {
  /** Period start, epoch ms. */
  start: number;
  values: Distribution;
}

/**
 * CloudWatch rounds StartTime down to the minute (data younger than 15 days); periods are laid from there.
 * EndTime is exclusive.
 */
export function alignStart(startMs: number): number {
  return Math.floor(startMs / MINUTE_MS) * MINUTE_MS;
}

/** How many periods [start, end) spans (the 1,440-datapoint limit of GetMetricStatistics). */
export function periodCount(startMs: number, endMs: number, periodSeconds: number): number {
  const from = alignStart(startMs);
  if (endMs <= from) return 0;
  return Math.ceil((endMs - from) / (periodSeconds * 1000));
}

/** The series' minute buckets in [start, end), merged into periods of `periodSeconds`; periods without data left out. */
export function aggregate(
  series: Series,
  startMs: number,
  endMs: number,
  periodSeconds: number,
): PeriodValues[] {
  const from = alignStart(startMs);
  const periodMs = periodSeconds * 1000;
  const byPeriod = new Map<number, Distribution>();
  for (const [minute, d] of series.buckets) {
    if (minute < from || minute >= endMs) continue;
    const start = from + Math.floor((minute - from) / periodMs) * periodMs;
    let acc = byPeriod.get(start);
    if (!acc) byPeriod.set(start, (acc = new Distribution()));
    acc.merge(d);
  }
  return [...byPeriod].sort((a, b) => a[0] - b[0]).map(([start, values]) => ({ start, values }));
}
