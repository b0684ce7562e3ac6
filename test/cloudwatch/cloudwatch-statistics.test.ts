import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import {
  GetMetricDataCommand,
  GetMetricStatisticsCommand,
  ListMetricsCommand,
  type CloudWatchClient,
  type Datapoint,
  type GetMetricStatisticsCommandInput,
  type ListMetricsCommandInput,
} from '@aws-sdk/client-cloudwatch';
import type { App } from '../../src/app/app.js';
import { Distribution, EXACT_LIMIT } from '../../src/cloudwatch/distribution.js';
import { withTestServer } from '../harness/helpers.js';
import { cloudWatchClient, TestClock } from './cloudwatch-fixtures.js';
import { hooks } from '../harness/hooks.js';

const NS = 'Test/Stats';
const T0 = Date.parse('2024-05-01T12:00:00Z');
const MIN = 60_000;

/**
 * Statistics math through GetMetricStatistics / GetMetricData / ListMetrics over the SDK (JSON 1.0):
 * values are recorded into the metric store at chosen minutes of an injected clock.
 */
describe('CloudWatch statistics', () => {
  let app: App;
  let cw: CloudWatchClient;
  const clock = new TestClock(T0);

  const put = (
    metric: string,
    values: number[],
    dims: Record<string, string> = {},
    unit = 'Milliseconds',
  ): void => {
    const d = Object.entries(dims).map(([Name, Value]) => ({ Name, Value }));
    for (const v of values) hooks(app).metricStore.put(NS, metric, d, v, unit);
  };
  const stats = async (input: Partial<GetMetricStatisticsCommandInput>): Promise<Datapoint[]> => {
    const out = await cw.send(
      new GetMetricStatisticsCommand({
        Namespace: NS,
        MetricName: 'Latency',
        StartTime: new Date(T0),
        EndTime: new Date(T0 + 4 * MIN),
        Period: 60,
        ...input,
      } as GetMetricStatisticsCommandInput),
    );
    return out.Datapoints ?? [];
  };
  const at = (dps: Datapoint[]): Array<[number, Datapoint]> =>
    dps.map((d) => [(d.Timestamp!.getTime() - T0) / MIN, d]);

  withTestServer(
    { testHooks: { metricsClock: clock.now } },
    (a) => ({ cw: cloudWatchClient(a, 'h1') }),
    (a, made) => {
      app = a;
      ({ cw } = made);
    },
  );
  before(async () => {
    // minute 0: 1..100; minute 1: 200, 300; minute 2: nothing; minute 3: 7
    put(
      'Latency',
      Array.from({ length: 100 }, (_, i) => i + 1),
    );
    clock.advance(MIN + 5_000);
    put('Latency', [200, 300]);
    clock.advance(2 * MIN);
    put('Latency', [7]);
    // Dimension sets of one metric are separate series.
    put('Calls', [1, 1], {}, 'Count');
    put('Calls', [1, 1, 1], { FunctionName: 'f1' }, 'Count');
    put('Calls', [1], { FunctionName: 'f2' }, 'Count');
    put('Calls', [1, 1, 1, 1], { FunctionName: 'f1', Resource: 'f1' }, 'Count');
  });

  it('computes SampleCount, Sum, Average, Minimum, Maximum per one-minute period, leaving out periods without data', async () => {
    const dps = at(await stats({ Statistics: ['SampleCount', 'Sum', 'Average', 'Minimum', 'Maximum'] }));
    assert.deepEqual(
      dps.map(([m]) => m),
      [0, 1, 3],
    );
    const [, d0] = dps[0]!;
    assert.equal(d0.SampleCount, 100);
    assert.equal(d0.Sum, 5050);
    assert.equal(d0.Average, 50.5);
    assert.equal(d0.Minimum, 1);
    assert.equal(d0.Maximum, 100);
    assert.equal(d0.Unit, 'Milliseconds');
    assert.deepEqual(
      { ...dps[1]![1], Timestamp: undefined },
      {
        Timestamp: undefined,
        SampleCount: 2,
        Sum: 500,
        Average: 250,
        Minimum: 200,
        Maximum: 300,
        Unit: 'Milliseconds',
      },
    );
    assert.equal(dps[2]![1].Sum, 7);
  });

  it('returns only the statistics asked for', async () => {
    const [d] = await stats({ Statistics: ['Maximum'], EndTime: new Date(T0 + MIN) });
    assert.deepEqual(Object.keys(d!).sort(), ['Maximum', 'Timestamp', 'Unit']);
  });

  it('computes percentiles (ExtendedStatistics) by nearest rank', async () => {
    const dps = at(await stats({ ExtendedStatistics: ['p50', 'p99', 'p100', 'p0', 'p99.5'] }));
    assert.deepEqual(dps[0]![1].ExtendedStatistics, { p50: 50, p99: 99, p100: 100, p0: 1, 'p99.5': 100 });
    assert.deepEqual(dps[1]![1].ExtendedStatistics, { p50: 200, p99: 300, p100: 300, p0: 200, 'p99.5': 300 });
    assert.equal(dps[0]![1].Sum, undefined);
  });

  it('aggregates minutes into longer periods laid from StartTime rounded down to the minute', async () => {
    const two = at(
      await stats({
        Period: 120,
        Statistics: ['SampleCount', 'Sum', 'Minimum', 'Maximum'],
        ExtendedStatistics: undefined,
      }),
    );
    assert.deepEqual(
      two.map(([m, d]) => [m, d.SampleCount, d.Sum, d.Minimum, d.Maximum]),
      [
        [0, 102, 5550, 1, 300],
        [2, 1, 7, 7, 7],
      ],
    );
    const three = at(
      await stats({ Period: 180, StartTime: new Date(T0 + 30_000), Statistics: ['SampleCount'] }),
    );
    assert.deepEqual(
      three.map(([m, d]) => [m, d.SampleCount]),
      [
        [0, 102],
        [3, 1],
      ],
    );
    // Percentiles of merged minutes are over all their values.
    const [p] = await stats({ Period: 240, ExtendedStatistics: ['p50', 'p100'] });
    assert.deepEqual(p!.ExtendedStatistics, { p50: 51, p100: 300 });
  });

  it('treats StartTime as inclusive and EndTime as exclusive', async () => {
    assert.deepEqual(
      at(await stats({ EndTime: new Date(T0 + 3 * MIN), Statistics: ['Sum'] })).map(([m]) => m),
      [0, 1],
    );
    assert.deepEqual(
      at(await stats({ StartTime: new Date(T0 + MIN), Statistics: ['Sum'] })).map(([m]) => m),
      [1, 3],
    );
    assert.deepEqual(
      await stats({
        StartTime: new Date(T0 + 10 * MIN),
        EndTime: new Date(T0 + 20 * MIN),
        Statistics: ['Sum'],
      }),
      [],
    );
  });

  it('matches Dimensions exactly (in any order), never a subset or superset', async () => {
    const sum = async (dims: Array<{ Name: string; Value: string }>): Promise<number | undefined> =>
      (
        await stats({
          MetricName: 'Calls',
          Dimensions: dims,
          StartTime: new Date(T0),
          EndTime: new Date(T0 + 10 * MIN),
          Period: 600,
          Statistics: ['Sum'],
        })
      )[0]?.Sum;
    assert.equal(await sum([]), 2);
    assert.equal(await sum([{ Name: 'FunctionName', Value: 'f1' }]), 3);
    assert.equal(await sum([{ Name: 'FunctionName', Value: 'f2' }]), 1);
    assert.equal(
      await sum([
        { Name: 'Resource', Value: 'f1' },
        { Name: 'FunctionName', Value: 'f1' },
      ]),
      4,
    );
    assert.equal(await sum([{ Name: 'FunctionName', Value: 'f3' }]), undefined);
    assert.equal(await sum([{ Name: 'Resource', Value: 'f1' }]), undefined);
  });

  it('filters by Unit', async () => {
    assert.equal((await stats({ Statistics: ['Sum'], Unit: 'Milliseconds' })).length, 3);
    assert.deepEqual(await stats({ Statistics: ['Sum'], Unit: 'Seconds' }), []);
  });

  it('rejects bad requests with CloudWatch error codes', async () => {
    const code = async (input: Partial<GetMetricStatisticsCommandInput>): Promise<string> => {
      try {
        await stats(input);
      } catch (err) {
        const e = err as { name: string; Code?: string; message: string; $metadata?: unknown };
        return `${e.Code ?? e.name}: ${e.message}`;
      }
      return 'no error';
    };
    assert.match(
      await code({ Statistics: ['Sum'], ExtendedStatistics: ['p50'] }),
      /^InvalidParameterCombination: .*not both/,
    );
    assert.match(await code({}), /^MissingParameter: Must specify either Statistics or ExtendedStatistics/);
    assert.match(
      await code({ Statistics: ['Sum'], Period: 90 }),
      /^InvalidParameterValue: The parameter Period must be a multiple of 60\./,
    );
    assert.match(
      await code({ Statistics: ['Sum'], StartTime: new Date(T0), EndTime: new Date(T0 + 2 * 24 * 60 * MIN) }),
      /^InvalidParameterCombination: You have requested up to 2880 datapoints, which exceeds the limit of 1440\./,
    );
    assert.match(
      await code({ Statistics: ['Sum'], StartTime: new Date(T0 + MIN), EndTime: new Date(T0) }),
      /^InvalidParameterValue: The parameter StartTime must be less than/,
    );
    assert.match(
      await code({ ExtendedStatistics: ['p101'] }),
      /^InvalidParameterValue: The value p101 for parameter ExtendedStatistics is not supported/,
    );
    assert.match(
      await code({ Statistics: ['Median' as 'Sum'] }),
      /^ValidationError: 1 validation error detected: Value 'Median' at 'statistics\.1\.member'/,
    );
  });

  it('answers GetMetricData: one statistic per query, ordered by ScanBy, paginated by MaxDatapoints', async () => {
    const metric = { Namespace: NS, MetricName: 'Latency', Dimensions: [] };
    const base = {
      StartTime: new Date(T0),
      EndTime: new Date(T0 + 4 * MIN),
      MetricDataQueries: [
        { Id: 'sum', MetricStat: { Metric: metric, Period: 60, Stat: 'Sum' } },
        { Id: 'p99', MetricStat: { Metric: metric, Period: 120, Stat: 'p99' }, Label: 'Latency p99' },
        { Id: 'hidden', MetricStat: { Metric: metric, Period: 60, Stat: 'Maximum' }, ReturnData: false },
      ],
    };
    const all = await cw.send(new GetMetricDataCommand(base));
    assert.equal(all.NextToken, undefined);
    const [sum, p99, ...rest] = all.MetricDataResults!;
    assert.equal(rest.length, 0);
    assert.equal(sum!.Label, 'Latency');
    assert.deepEqual(
      sum!.Timestamps!.map((t) => (t.getTime() - T0) / MIN),
      [3, 1, 0],
    );
    assert.deepEqual(sum!.Values, [7, 500, 5050]);
    assert.equal(sum!.StatusCode, 'Complete');
    assert.equal(p99!.Label, 'Latency p99');
    // p99 of the 102 values of minutes 0-1 is the 101st: 200.
    assert.deepEqual(p99!.Values, [7, 200]);

    const asc = await cw.send(new GetMetricDataCommand({ ...base, ScanBy: 'TimestampAscending' }));
    assert.deepEqual(asc.MetricDataResults![0]!.Values, [5050, 500, 7]);

    // Pages of 2 datapoints over 3 + 2 datapoints.
    const pages: number[][] = [];
    let token: string | undefined;
    do {
      const page = await cw.send(
        new GetMetricDataCommand({
          ...base,
          ScanBy: 'TimestampAscending',
          MaxDatapoints: 2,
          NextToken: token,
        }),
      );
      pages.push(page.MetricDataResults!.flatMap((r) => r.Values!));
      if (page.NextToken)
        assert.equal(
          page.MetricDataResults!.some((r) => r.StatusCode === 'PartialData'),
          true,
        );
      token = page.NextToken;
    } while (token);
    assert.deepEqual(pages, [[5050, 500], [7, 200], [7]]);
  });

  it('lists metrics by namespace, name and dimension filters', async () => {
    const list = async (input: ListMetricsCommandInput): Promise<string[]> =>
      ((await cw.send(new ListMetricsCommand(input))).Metrics ?? [])
        .map((m) => `${m.MetricName}{${(m.Dimensions ?? []).map((d) => `${d.Name}=${d.Value}`).join(',')}}`)
        .sort();
    assert.deepEqual(
      await list({ Namespace: NS }),
      [
        'Calls{}',
        'Calls{FunctionName=f1,Resource=f1}',
        'Calls{FunctionName=f1}',
        'Calls{FunctionName=f2}',
        'Latency{}',
      ].sort(),
    );
    assert.deepEqual(await list({ Namespace: NS, MetricName: 'Latency' }), ['Latency{}']);
    assert.deepEqual(await list({ Namespace: NS, Dimensions: [{ Name: 'Resource' }] }), [
      'Calls{FunctionName=f1,Resource=f1}',
    ]);
    assert.deepEqual(await list({ Namespace: NS, Dimensions: [{ Name: 'FunctionName', Value: 'f2' }] }), [
      'Calls{FunctionName=f2}',
    ]);
    assert.deepEqual(await list({ Namespace: 'Nope' }), []);
    // RecentlyActive=PT3H leaves out metrics without a value in the last three hours.
    clock.advance(4 * 60 * MIN);
    put('Fresh', [1]);
    assert.deepEqual(await list({ Namespace: NS, RecentlyActive: 'PT3H' }), ['Fresh{}']);
  });
});

describe('Distribution', () => {
  it('is exact while few distinct values are seen and within 1% once sketched', () => {
    const d = new Distribution();
    for (let i = 1; i <= EXACT_LIMIT; i++) d.add(i);
    assert.equal(d.percentile(50), EXACT_LIMIT / 2);
    assert.ok(d.toJSON().exact, 'still exact');
    for (let i = EXACT_LIMIT + 1; i <= 10_000; i++) d.add(i);
    assert.equal(d.toJSON().exact, undefined, 'sketched');
    assert.ok(d.toJSON().bins!.length < 500, 'bounded bins');
    assert.equal(d.count, 10_000);
    assert.equal(d.sum, (10_000 * 10_001) / 2);
    assert.equal(d.min, 1);
    assert.equal(d.max, 10_000);
    for (const [p, exact] of [
      [50, 5000],
      [90, 9000],
      [99, 9900],
    ] as const) {
      const got = d.percentile(p)!;
      assert.ok(Math.abs(got - exact) / exact <= 0.01, `p${p} = ${got}, want ${exact} within 1%`);
    }
  });

  it('keeps a counter (every value 1) in one exact entry however many values it gets', () => {
    const d = new Distribution();
    for (let i = 0; i < 100_000; i++) d.add(1);
    d.add(0);
    assert.deepEqual(d.toJSON().exact, [
      [1, 100_000],
      [0, 1],
    ]);
    assert.equal(d.percentile(0.0001), 0);
    assert.equal(d.percentile(50), 1);
  });

  it('merges exact and sketched distributions either way, and survives a JSON round trip', () => {
    const sketched = new Distribution();
    for (let i = 1; i <= 1000; i++) sketched.add(i);
    const exact = new Distribution();
    exact.add(5);
    exact.add(2000);
    const a = Distribution.fromJSON(JSON.parse(JSON.stringify(sketched.toJSON())));
    a.merge(exact);
    const b = Distribution.fromJSON(JSON.parse(JSON.stringify(exact.toJSON())));
    b.merge(sketched);
    for (const m of [a, b]) {
      assert.equal(m.count, 1002);
      assert.equal(m.sum, 500_500 + 2005);
      assert.equal(m.min, 1);
      assert.equal(m.max, 2000);
      assert.ok(Math.abs(m.percentile(50)! - 500) <= 5, `p50 ${m.percentile(50)}`);
      assert.equal(m.percentile(100), 2000);
    }
  });

  it('gives no percentiles when a value is negative, as CloudWatch', () => {
    const d = new Distribution();
    d.add(-1);
    d.add(3);
    assert.equal(d.percentile(50), undefined);
    assert.equal(d.min, -1);
  });
});
