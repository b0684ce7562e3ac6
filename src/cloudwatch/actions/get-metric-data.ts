import { InvalidNextToken, InvalidParameterValue, MissingParameter } from '../errors.js';
import { CloudWatchInput, fullDimensions } from '../input.js';
import type { MetricStore } from '../metric-store.js';
import { aggregate, parseStat, statValue } from '../statistics.js';
import { checkPeriod, checkTimeRange, namespaceRules, readTimeRange, STANDARD_UNITS } from './common.js';

const MAX_QUERIES = 500;
const DEFAULT_MAX_DATAPOINTS = 100_800;
const ID = /^[a-z][a-zA-Z0-9_]*$/;

interface Query {
  id: string;
  label: string;
  returnData: boolean;
  points: Array<[number, number]>;
}

/**
 * GetMetricData: several MetricStat queries at once, each one series and one statistic, paginated over
 * the datapoints of all queries (MaxDatapoints per page). Metric math expressions are not supported.
 */
export async function getMetricData(store: MetricStore, input: Record<string, unknown>): Promise<unknown> {
  const v = new CloudWatchInput(input);
  const rawQueries = v.list('MetricDataQueries');
  if (rawQueries === undefined) throw MissingParameter('The parameter MetricDataQueries is required.');
  const { start, end } = readTimeRange(v);
  const nextToken = v.string('NextToken');
  const scanBy =
    v.string('ScanBy', { enum: ['TimestampDescending', 'TimestampAscending'] }) ?? 'TimestampDescending';
  const maxDatapoints = v.integer('MaxDatapoints') ?? DEFAULT_MAX_DATAPOINTS;
  v.check();
  if (rawQueries.length === 0)
    throw MissingParameter('The parameter MetricDataQueries must contain at least one query.');
  if (rawQueries.length > MAX_QUERIES) {
    throw InvalidParameterValue(
      `The collection MetricDataQueries must not have a size greater than ${MAX_QUERIES}.`,
    );
  }
  if (maxDatapoints < 1) throw InvalidParameterValue('The parameter MaxDatapoints must be greater than 0.');
  checkTimeRange(start, end);
  const offset = decodeToken(nextToken);

  const seen = new Set<string>();
  const queries: Query[] = rawQueries.map((raw, i) => {
    const path = `MetricDataQueries.member.${i + 1}`;
    const q = CloudWatchInput.of(raw, path);
    const id = q.string('Id', { required: true, min: 1, max: 255, path: `${path}.Id` })!;
    const label = q.string('Label', { path: `${path}.Label` });
    const returnData = q.boolean('ReturnData') ?? true;
    const expression = q.string('Expression', { min: 1, max: 2048, path: `${path}.Expression` });
    const rawStat = q.raw('MetricStat');
    q.check();
    if (!ID.test(id)) {
      throw InvalidParameterValue(
        `The value ${id} for parameter ${path}.Id is invalid: it must start with a lowercase letter and contain only letters, numbers and underscores.`,
      );
    }
    if (seen.has(id)) throw InvalidParameterValue(`The value ${id} for parameter ${path}.Id is not unique.`);
    seen.add(id);
    if (expression !== undefined) {
      throw InvalidParameterValue(
        `${path}.Expression: metric math expressions are not supported by Tributary; use MetricStat.`,
      );
    }
    if (rawStat === undefined) throw MissingParameter(`The parameter ${path}.MetricStat is required.`);
    const ms = CloudWatchInput.of(rawStat, `${path}.MetricStat`);
    const metric = CloudWatchInput.of(
      ms.raw('Metric') ?? missing(`${path}.MetricStat.Metric`),
      `${path}.MetricStat.Metric`,
    );
    const namespace = metric.string('Namespace', {
      ...namespaceRules(true),
      path: `${path}.MetricStat.Metric.Namespace`,
    })!;
    const metricName = metric.string('MetricName', {
      ...namespaceRules(true),
      path: `${path}.MetricStat.Metric.MetricName`,
    })!;
    const dims = fullDimensions(
      metric.dimensions('Dimensions', { valueRequired: true, path: `${path}.MetricStat.Metric.Dimensions` }),
    );
    const period = ms.integer('Period', { required: true, min: 1, path: `${path}.MetricStat.Period` })!;
    const statName = ms.string('Stat', { required: true, path: `${path}.MetricStat.Stat` })!;
    const unit = ms.string('Unit', { enum: STANDARD_UNITS, path: `${path}.MetricStat.Unit` });
    ms.adopt(metric);
    ms.check();
    checkPeriod(period, `${path}.MetricStat.Period`);
    const stat = parseStat(statName);
    if (!stat)
      throw InvalidParameterValue(
        `The value ${statName} for parameter ${path}.MetricStat.Stat is not supported.`,
      );

    const points: Array<[number, number]> = [];
    const series = store.get(namespace, metricName, dims);
    if (series && (unit === undefined || unit === series.unit)) {
      for (const p of aggregate(series, start, end, period)) {
        const value = statValue(p.values, stat);
        if (value !== undefined) points.push([p.start, value]);
      }
    }
    if (scanBy === 'TimestampDescending') points.reverse();
    return { id, label: label ?? metricName, returnData, points };
  });

  // One page: datapoints [offset, offset + max) of all returned queries, in query order.
  const returned = queries.filter((q) => q.returnData);
  const total = returned.reduce((n, q) => n + q.points.length, 0);
  const pageEnd = offset + maxDatapoints;
  let cursor = 0;
  const results = returned.map((q) => {
    const from = Math.max(0, offset - cursor);
    const to = Math.max(0, Math.min(q.points.length, pageEnd - cursor));
    const page = q.points.slice(from, Math.max(from, to));
    const complete = cursor + q.points.length <= pageEnd;
    cursor += q.points.length;
    return {
      Id: q.id,
      Label: q.label,
      Timestamps: page.map(([t]) => new Date(t)),
      Values: page.map(([, x]) => x),
      StatusCode: complete ? 'Complete' : 'PartialData',
      Messages: [],
    };
  });
  const out: Record<string, unknown> = { MetricDataResults: results, Messages: [] };
  if (pageEnd < total) out['NextToken'] = encodeToken(pageEnd);
  return out;
}

function missing(path: string): never {
  throw MissingParameter(`The parameter ${path} is required.`);
}

function encodeToken(offset: number): string {
  return Buffer.from(JSON.stringify({ o: offset })).toString('base64');
}

function decodeToken(token: string | undefined): number {
  if (token === undefined) return 0;
  try {
    const o = (JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { o?: unknown }).o;
    if (typeof o === 'number' && Number.isInteger(o) && o >= 0) return o;
  } catch {
    // fall through
  }
  throw InvalidNextToken("The service couldn't process the request because the NextToken is invalid.");
}
