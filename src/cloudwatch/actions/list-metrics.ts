import type { AwsError } from '../../server/errors.js';
import { offsetOf, offsetToken } from '../../server/offset-token.js';
import { operation } from '../../server/operations.js';
import { boolean, list, string, structure } from '../../server/shapes.js';
import { InvalidParameterValue } from '../errors.js';
import { MINUTE_MS, type MetricStore } from '../metric-store.js';
import { DIMENSION_FILTER, METRIC, NAME } from './common.js';

/** How this operation words a NextToken it did not make (AWS's text). */
const invalidToken = (): AwsError => InvalidParameterValue('The value for parameter NextToken is invalid.');
const PAGE_SIZE = 500;
/** RecentlyActive=PT3H: metrics with a value in the last three hours. */
const RECENT_MS = 3 * 60 * MINUTE_MS;

/** ListMetrics: every series with data (within the retention), filtered, 500 per page. */
export const listMetrics = operation({
  input: structure({
    Namespace: string(NAME),
    MetricName: string(NAME),
    Dimensions: list(DIMENSION_FILTER, { max: 10 }),
    NextToken: string(),
    RecentlyActive: string({ enum: ['PT3H'] }),
    IncludeLinkedAccounts: boolean(),
    OwningAccount: string({ min: 1, max: 255 }),
  }),
  output: structure({ Metrics: list(METRIC), NextToken: string(), OwningAccounts: list(string()) }),
  async run(store: MetricStore, input) {
    const {
      Namespace: namespace,
      MetricName: metricName,
      Dimensions: filters,
      RecentlyActive: recentlyActive,
    } = input;
    const offset = offsetOf(input.NextToken, invalidToken);
    const recentFrom = store.clock() - RECENT_MS;
    const matching = store.list().filter((s) => {
      if (s.buckets.size === 0) return false;
      if (namespace !== undefined && s.namespace !== namespace) return false;
      if (metricName !== undefined && s.metricName !== metricName) return false;
      if (recentlyActive && s.lastMinute + MINUTE_MS <= recentFrom) return false;
      return (filters ?? []).every((f) =>
        s.dimensions.some((d) => d.Name === f.Name && (f.Value === undefined || d.Value === f.Value)),
      );
    });
    const page = matching.slice(offset, offset + PAGE_SIZE);
    const out: Record<string, unknown> = {
      Metrics: page.map((s) => ({
        Namespace: s.namespace,
        MetricName: s.metricName,
        Dimensions: s.dimensions.map((d) => ({ Name: d.Name, Value: d.Value })),
      })),
    };
    if (offset + PAGE_SIZE < matching.length) out['NextToken'] = offsetToken(offset + PAGE_SIZE);
    return out;
  },
});
