import type { AwsError } from '../../server/errors.js';
import { offsetOf, offsetToken } from '../../server/offset-token.js';
import { operation } from '../../server/operations.js';
import {
  boolean,
  double,
  integer,
  list,
  required,
  string,
  structure,
  timestamp,
} from '../../server/shapes.js';
import { parameterRequired } from '../../server/validation-dialects.js';
import { InvalidNextToken, InvalidParameterValue, MissingParameter } from '../errors.js';
import type { MetricStore } from '../metric-store.js';
import { aggregate, parseStat, statValue } from '../statistics.js';
import { checkPeriod, checkTimeRange, METRIC, STANDARD_UNITS } from './common.js';

/** How this operation words a NextToken it did not make (AWS's text). */
const invalidToken = (): AwsError =>
  InvalidNextToken("The service couldn't process the request because the NextToken is invalid.");
const MAX_QUERIES = 500;
const DEFAULT_MAX_DATAPOINTS = 100_800;
const ID = /^[a-z][a-zA-Z0-9_]*$/;

interface Query {
  id: string;
  label: string;
  returnData: boolean;
  points: Array<[number, number]>;
}

/** A message of a GetMetricData answer. */
const MESSAGE = structure({ Code: string(), Value: string() });

/**
 * GetMetricData: several MetricStat queries at once, each one series and one statistic, paginated over
 * the datapoints of all queries (MaxDatapoints per page). Metric math expressions are not supported.
 */
export const getMetricData = operation({
  input: structure({
    MetricDataQueries: required(
      list(
        structure({
          Id: required(string({ min: 1, max: 255 })),
          Label: string(),
          ReturnData: boolean(),
          Expression: string({ min: 1, max: 2048 }),
          // Not required by the model: a query has a MetricStat or an Expression.
          MetricStat: structure({
            Metric: required(METRIC),
            Period: required(integer({ min: 1 })),
            Stat: required(string()),
            Unit: string({ enum: STANDARD_UNITS }),
          }),
          Period: integer(),
          AccountId: string(),
        }),
      ),
    ),
    StartTime: required(timestamp()),
    EndTime: required(timestamp()),
    NextToken: string(),
    ScanBy: string({ enum: ['TimestampDescending', 'TimestampAscending'] }),
    MaxDatapoints: integer(),
    LabelOptions: structure({ Timezone: string() }),
  }),
  output: structure({
    MetricDataResults: list(
      structure({
        Id: string(),
        Label: string(),
        Timestamps: list(timestamp()),
        Values: list(double()),
        StatusCode: string(),
        Messages: list(MESSAGE),
      }),
    ),
    NextToken: string(),
    Messages: list(MESSAGE),
  }),
  async run(store: MetricStore, input) {
    const { MetricDataQueries: rawQueries, StartTime: start, EndTime: end } = input;
    const scanBy = input.ScanBy ?? 'TimestampDescending';
    const maxDatapoints = input.MaxDatapoints ?? DEFAULT_MAX_DATAPOINTS;
    if (rawQueries.length === 0)
      throw MissingParameter('The parameter MetricDataQueries must contain at least one query.');
    if (rawQueries.length > MAX_QUERIES) {
      throw InvalidParameterValue(
        `The collection MetricDataQueries must not have a size greater than ${MAX_QUERIES}.`,
      );
    }
    if (maxDatapoints < 1) throw InvalidParameterValue('The parameter MaxDatapoints must be greater than 0.');
    checkTimeRange(start, end);
    const offset = offsetOf(input.NextToken, invalidToken);

    const seen = new Set<string>();
    const queries: Query[] = rawQueries.map((q, i) => {
      const path = `MetricDataQueries.member.${i + 1}`;
      const id = q.Id;
      if (!ID.test(id)) {
        throw InvalidParameterValue(
          `The value ${id} for parameter ${path}.Id is invalid: it must start with a lowercase letter and contain only letters, numbers and underscores.`,
        );
      }
      if (seen.has(id))
        throw InvalidParameterValue(`The value ${id} for parameter ${path}.Id is not unique.`);
      seen.add(id);
      if (q.Expression !== undefined) {
        throw InvalidParameterValue(
          `${path}.Expression: metric math expressions are not supported by Tributary; use MetricStat.`,
        );
      }
      const ms = q.MetricStat;
      if (ms === undefined) throw MissingParameter(parameterRequired(`${path}.MetricStat`));
      const { Metric: metric, Period: period, Stat: statName, Unit: unit } = ms;
      checkPeriod(period, `${path}.MetricStat.Period`);
      const stat = parseStat(statName);
      if (!stat)
        throw InvalidParameterValue(
          `The value ${statName} for parameter ${path}.MetricStat.Stat is not supported.`,
        );

      const points: Array<[number, number]> = [];
      const series = store.get(metric.Namespace, metric.MetricName, metric.Dimensions ?? []);
      if (series && (unit === undefined || unit === series.unit)) {
        for (const p of aggregate(series, start, end, period)) {
          const value = statValue(p.values, stat);
          if (value !== undefined) points.push([p.start, value]);
        }
      }
      if (scanBy === 'TimestampDescending') points.reverse();
      return { id, label: q.Label ?? metric.MetricName, returnData: q.ReturnData ?? true, points };
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
    if (pageEnd < total) out['NextToken'] = offsetToken(pageEnd);
    return out;
  },
});
