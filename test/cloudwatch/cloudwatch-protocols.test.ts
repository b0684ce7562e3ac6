import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import {
  GetMetricDataCommand,
  GetMetricStatisticsCommand,
  ListMetricsCommand,
} from '@aws-sdk/client-cloudwatch';
import type { App } from '../../src/app/app.js';
import { cannotRun, transports, withServer } from '../harness/helpers.js';
import {
  botocoreDataDir,
  cli,
  CliError,
  cloudWatchClient,
  iso,
  iteratorAgeStatisticsArgs,
  TestClock,
  wireProtocol,
  type CliProtocol,
} from './cloudwatch-fixtures.js';
import { hooks } from '../harness/hooks.js';

const T0 = Date.parse('2024-05-01T12:00:00Z');
const MIN = 60_000;
const FN = [{ Name: 'FunctionName', Value: 'slow-fn' }];

/** The same questions in every protocol a CloudWatch client may speak must get the same answers. */
describe('CloudWatch protocols', () => {
  let app: App;
  const clock = new TestClock(T0);

  withServer((a) => (app = a), { testHooks: { metricsClock: clock.now } });
  before(async () => {
    const put = (values: number[]): void => {
      for (const v of values) hooks(app).metricStore.put('AWS/Lambda', 'IteratorAge', FN, v, 'Milliseconds');
    };
    put([100, 300, 200]);
    clock.advance(MIN);
    put([50]);
    hooks(app).metricStore.put(
      'AWS/Kinesis',
      'IncomingRecords',
      [{ Name: 'StreamName', Value: 'orders' }],
      4,
      'Count',
    );
  });

  /** Expected datapoints of IteratorAge over [T0, T0+5min) by minute. */
  const expected = [
    { minute: 0, Maximum: 300, Average: 200, SampleCount: 3 },
    { minute: 1, Maximum: 50, Average: 50, SampleCount: 1 },
  ];

  for (const transport of transports) {
    it(`answers @aws-sdk/client-cloudwatch (AWS JSON 1.0, ${transport})`, async () => {
      const cw = cloudWatchClient(app, transport);
      try {
        const out = await cw.send(
          new GetMetricStatisticsCommand({
            Namespace: 'AWS/Lambda',
            MetricName: 'IteratorAge',
            Dimensions: FN,
            StartTime: new Date(T0),
            EndTime: new Date(T0 + 5 * MIN),
            Period: 60,
            Statistics: ['Maximum', 'Average', 'SampleCount'],
          }),
        );
        assert.equal(out.Label, 'IteratorAge');
        assert.deepEqual(
          out.Datapoints!.map((d) => ({
            minute: (d.Timestamp!.getTime() - T0) / MIN,
            Maximum: d.Maximum,
            Average: d.Average,
            SampleCount: d.SampleCount,
          })),
          expected,
        );
        const p = await cw.send(
          new GetMetricStatisticsCommand({
            Namespace: 'AWS/Lambda',
            MetricName: 'IteratorAge',
            Dimensions: FN,
            StartTime: new Date(T0),
            EndTime: new Date(T0 + MIN),
            Period: 60,
            ExtendedStatistics: ['p50', 'p99'],
          }),
        );
        assert.deepEqual(p.Datapoints![0]!.ExtendedStatistics, { p50: 200, p99: 300 });
        const data = await cw.send(
          new GetMetricDataCommand({
            StartTime: new Date(T0),
            EndTime: new Date(T0 + 5 * MIN),
            MetricDataQueries: [
              {
                Id: 'age',
                MetricStat: {
                  Metric: { Namespace: 'AWS/Lambda', MetricName: 'IteratorAge', Dimensions: FN },
                  Period: 300,
                  Stat: 'Maximum',
                },
              },
            ],
          }),
        );
        assert.deepEqual(data.MetricDataResults![0]!.Values, [300]);
        assert.deepEqual(data.MetricDataResults![0]!.Timestamps, [new Date(T0)]);
        const list = await cw.send(new ListMetricsCommand({ Namespace: 'AWS/Kinesis' }));
        assert.deepEqual(list.Metrics, [
          {
            Namespace: 'AWS/Kinesis',
            MetricName: 'IncomingRecords',
            Dimensions: [{ Name: 'StreamName', Value: 'orders' }],
          },
        ]);
        await assert.rejects(
          cw.send(
            new GetMetricStatisticsCommand({
              Namespace: 'AWS/Lambda',
              MetricName: 'IteratorAge',
              StartTime: new Date(T0),
              EndTime: new Date(T0 + MIN),
              Period: 45,
              Statistics: ['Sum'],
            }),
          ),
          (err: Error & { Code?: string; $metadata: { httpStatusCode?: number } }) => {
            // awsQueryCompatible: the query code (from x-amzn-query-error) is the error's Code.
            assert.equal(err.Code, 'InvalidParameterValue');
            assert.equal(err.$metadata.httpStatusCode, 400);
            assert.match(err.message, /Period must be a multiple of 60/);
            return true;
          },
        );
      } finally {
        cw.destroy();
      }
    });
  }

  const cliProtocols: CliProtocol[] = ['default', 'smithy-rpc-v2-cbor', 'json', 'query'];
  for (const protocol of cliProtocols) {
    it(`answers the AWS CLI (${protocol === 'default' ? 'its default protocol' : `forced to ${protocol}`})`, async (t) => {
      if (protocol !== 'default' && !(await botocoreDataDir())) {
        cannotRun(t, 'the AWS CLI models cannot be located with python3 here');
        return;
      }
      const res = await cli(
        app,
        iteratorAgeStatisticsArgs({
          functionName: 'slow-fn',
          start: T0,
          end: T0 + 5 * MIN,
          periodSeconds: 60,
          statistics: ['Maximum', 'Average', 'SampleCount'],
        }),
        protocol,
      );
      if (protocol !== 'default') assert.equal(wireProtocol(res.debug), protocol);
      else assert.notEqual(wireProtocol(res.debug), 'unknown');
      const out = res.json as { Label: string; Datapoints: Array<Record<string, unknown>> };
      assert.equal(out.Label, 'IteratorAge');
      assert.deepEqual(
        out.Datapoints.map((d) => ({
          minute: (cliTime(d['Timestamp']) - T0) / MIN,
          Maximum: d['Maximum'],
          Average: d['Average'],
          SampleCount: d['SampleCount'],
        })),
        expected,
      );

      const ext = (
        await cli(
          app,
          iteratorAgeStatisticsArgs({
            functionName: 'slow-fn',
            start: T0,
            end: T0 + MIN,
            periodSeconds: 60,
            extended: ['p50', 'p99'],
          }),
          protocol,
        )
      ).json as { Datapoints: Array<{ ExtendedStatistics: Record<string, number> }> };
      assert.deepEqual(ext.Datapoints[0]!.ExtendedStatistics, { p50: 200, p99: 300 });

      const data = (
        await cli(
          app,
          [
            'cloudwatch',
            'get-metric-data',
            '--start-time',
            iso(T0),
            '--end-time',
            iso(T0 + 5 * MIN),
            '--scan-by',
            'TimestampAscending',
            '--metric-data-queries',
            JSON.stringify([
              {
                Id: 'age',
                MetricStat: {
                  Metric: { Namespace: 'AWS/Lambda', MetricName: 'IteratorAge', Dimensions: FN },
                  Period: 60,
                  Stat: 'Maximum',
                },
              },
            ]),
          ],
          protocol,
        )
      ).json as {
        MetricDataResults: Array<{ Id: string; Values: number[]; Timestamps: unknown[]; StatusCode: string }>;
      };
      assert.equal(data.MetricDataResults[0]!.Id, 'age');
      assert.deepEqual(data.MetricDataResults[0]!.Values, [300, 50]);
      assert.deepEqual(data.MetricDataResults[0]!.Timestamps.map(cliTime), [T0, T0 + MIN]);
      assert.equal(data.MetricDataResults[0]!.StatusCode, 'Complete');

      const list = (
        await cli(
          app,
          ['cloudwatch', 'list-metrics', '--namespace', 'AWS/Lambda', '--dimensions', 'Name=FunctionName'],
          protocol,
        )
      ).json as { Metrics: unknown[] };
      assert.deepEqual(list.Metrics, [
        { Namespace: 'AWS/Lambda', MetricName: 'IteratorAge', Dimensions: FN },
      ]);

      await assert.rejects(
        cli(app, iteratorAgeStatisticsArgs({ start: T0, end: T0 + MIN, periodSeconds: 60 }), protocol),
        (err: CliError) => {
          assert.ok(err instanceof CliError, String(err));
          assert.equal(err.code, 'MissingParameter');
          assert.match(err.message, /Must specify either Statistics or ExtendedStatistics/);
          return true;
        },
      );
    });
  }

  it('answers query-protocol requests (form POST and GET) with CloudWatch XML', async () => {
    const params = new URLSearchParams({
      Action: 'GetMetricStatistics',
      Version: '2010-08-01',
      Namespace: 'AWS/Lambda',
      MetricName: 'IteratorAge',
      'Dimensions.member.1.Name': 'FunctionName',
      'Dimensions.member.1.Value': 'slow-fn',
      StartTime: iso(T0),
      EndTime: iso(T0 + 5 * MIN),
      Period: '60',
      'Statistics.member.1': 'Maximum',
      'Statistics.member.2': 'SampleCount',
    });
    const post = await fetch(app.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      body: params.toString(),
    });
    assert.equal(post.status, 200);
    assert.match(post.headers.get('content-type') ?? '', /xml/);
    const xml = await post.text();
    assert.match(
      xml,
      /^<\?xml version="1.0"\?><GetMetricStatisticsResponse xmlns="http:\/\/monitoring.amazonaws.com\/doc\/2010-08-01\/"><GetMetricStatisticsResult>/,
    );
    assert.match(xml, /<Label>IteratorAge<\/Label>/);
    assert.match(
      xml,
      /<Datapoints><member><Timestamp>2024-05-01T12:00:00Z<\/Timestamp><SampleCount>3.0<\/SampleCount><Maximum>300.0<\/Maximum><Unit>Milliseconds<\/Unit><\/member><member><Timestamp>2024-05-01T12:01:00Z<\/Timestamp><SampleCount>1.0<\/SampleCount><Maximum>50.0<\/Maximum>/,
    );
    assert.match(xml, /<ResponseMetadata><RequestId>[0-9a-f-]{36}<\/RequestId><\/ResponseMetadata>/);

    const get = await fetch(
      `${app.endpoint}/?${new URLSearchParams({ Action: 'ListMetrics', Version: '2010-08-01', Namespace: 'AWS/Kinesis' })}`,
    );
    const listXml = await get.text();
    assert.match(
      listXml,
      /<ListMetricsResult><Metrics><member><Namespace>AWS\/Kinesis<\/Namespace><MetricName>IncomingRecords<\/MetricName><Dimensions><member><Name>StreamName<\/Name><Value>orders<\/Value><\/member><\/Dimensions><\/member><\/Metrics><\/ListMetricsResult>/,
    );

    params.set('Period', '30');
    const bad = await fetch(app.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: params.toString(),
    });
    assert.equal(bad.status, 400);
    assert.match(
      await bad.text(),
      /<ErrorResponse><Error><Type>Sender<\/Type><Code>InvalidParameterValue<\/Code><Message>The parameter Period must be a multiple of 60.<\/Message>/,
    );
  });

  it('names errors as an awsQueryCompatible service in JSON and CBOR answers', async () => {
    const body = {
      Namespace: 'AWS/Lambda',
      MetricName: 'IteratorAge',
      StartTime: T0 / 1000,
      EndTime: (T0 + MIN) / 1000,
      Period: 60,
      Statistics: ['Sum'],
      ExtendedStatistics: ['p50'],
    };
    const json = await fetch(app.endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'GraniteServiceVersion20100801.GetMetricStatistics',
      },
      body: JSON.stringify(body),
    });
    assert.equal(json.status, 400);
    assert.equal(json.headers.get('x-amzn-query-error'), 'InvalidParameterCombination;Sender');
    assert.equal(
      ((await json.json()) as { __type: string }).__type,
      'com.amazonaws.cloudwatch#InvalidParameterCombinationException',
    );

    const unknown = await fetch(
      `${app.endpoint}/service/GraniteServiceVersion20100801/operation/PutMetricAlarm`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/cbor', 'smithy-protocol': 'rpc-v2-cbor' },
        body: new Uint8Array([0xa0]),
      },
    );
    assert.equal(unknown.headers.get('smithy-protocol'), 'rpc-v2-cbor');
    assert.equal(unknown.headers.get('content-type'), 'application/cbor');
    assert.equal(unknown.status, 404);
  });
});

/** The CLI prints timestamps as the service sent them: ISO text (query) or epoch seconds (JSON, CBOR). */
function cliTime(v: unknown): number {
  if (typeof v === 'number') return v * 1000;
  return Date.parse(String(v));
}
