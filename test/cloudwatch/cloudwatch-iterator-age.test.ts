import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import {
  GetMetricStatisticsCommand,
  type CloudWatchClient,
  type Datapoint,
} from '@aws-sdk/client-cloudwatch';
import { PutRecordCommand, PutRecordsCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { CreateEventSourceMappingCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import type { App } from '../../src/app/app.js';
import { awsCli, kinesisClient, withTestServer } from '../harness/helpers.js';
import {
  createRecordingFunction,
  createStream,
  lambdaClient,
  recordsDelivered,
} from '../mappings/mapping-fixtures.js';
import { cloudWatchClient, iteratorAgeStatisticsArgs, TestClock } from './cloudwatch-fixtures.js';
import { hooks } from '../harness/hooks.js';

const MIN = 60_000;
const BACKLOG = 30;
const BATCH = 2;
/** Batches per (test-clock) minute while the function works through the backlog. */
const BATCHES_PER_MINUTE = 3;

/**
 * A slow function falls behind a backlog: IteratorAge (age of each batch's last record when its invoke
 * finished) climbs minute after minute, then drops to about one invoke's duration once it has caught up.
 * The test clock moves one minute every few batches, so each minute bucket holds a stage of the catch-up.
 */
describe('IteratorAge of a slow function', () => {
  let app: App;
  let k: KinesisClient;
  let l: LambdaClient;
  let cw: CloudWatchClient;
  const clock = new TestClock(Date.parse('2024-05-01T12:00:00Z'));
  const T0 = clock.now();
  let uuid = '';
  let fnInvokes = 0;

  withTestServer(
    { testHooks: { metricsClock: clock.now } },
    (a) => ({ k: kinesisClient(a), l: lambdaClient(a), cw: cloudWatchClient(a) }),
    (a, made) => {
      app = a;
      ({ k, l, cw } = made);
    },
  );
  before(async () => {
    const streamArn = await createStream(k, app, 'backlog');
    const fn = await createRecordingFunction(app, l, 'slow-fn', { BEHAVIOUR: 'sleep:150' });
    await k.send(
      new PutRecordsCommand({
        StreamName: 'backlog',
        Records: Array.from({ length: BACKLOG }, (_, i) => ({
          Data: Buffer.from(`r${i}`),
          PartitionKey: `p${i}`,
        })),
      }),
    );
    let batches = 0;
    hooks(app).mappings.on('batch', (e) => {
      // Recorded by the metrics listener (registered first) before the clock moves on.
      if (
        e.uuid === uuid &&
        e.records > 0 &&
        ++batches % BATCHES_PER_MINUTE === 0 &&
        batches * BATCH < BACKLOG
      )
        clock.nextMinute();
    });
    const m = await l.send(
      new CreateEventSourceMappingCommand({
        FunctionName: 'slow-fn',
        EventSourceArn: streamArn,
        StartingPosition: 'TRIM_HORIZON',
        BatchSize: BATCH,
      }),
    );
    uuid = m.UUID!;
    await recordsDelivered(app, uuid, BACKLOG, 60_000);

    // Caught up: fresh records, one at a time, in a later minute.
    clock.nextMinute();
    for (let i = 0; i < 2; i++) {
      await k.send(
        new PutRecordCommand({ StreamName: 'backlog', Data: Buffer.from(`fresh${i}`), PartitionKey: 'p' }),
      );
      await recordsDelivered(app, uuid, BACKLOG + i + 1);
    }
    fnInvokes = fn.invokes().length;
  });

  const minutes = BACKLOG / BATCH / BATCHES_PER_MINUTE + 1;

  /** Maximum IteratorAge per minute, checked for the shape of a catch-up. */
  function assertCatchUp(maxima: number[]): void {
    assert.equal(maxima.length, minutes, `one datapoint per minute: ${maxima.join(', ')}`);
    const backlog = maxima.slice(0, -1);
    for (let i = 1; i < backlog.length; i++)
      assert.ok(backlog[i]! > backlog[i - 1]!, `IteratorAge rises while behind: ${maxima.join(', ')}`);
    const peak = backlog[backlog.length - 1]!;
    const caughtUp = maxima[maxima.length - 1]!;
    assert.ok(peak > 1000, `the backlog ages beyond a second: ${peak}`);
    assert.ok(
      caughtUp < peak / 4 && caughtUp < 1000,
      `IteratorAge returns near 0 once caught up: ${caughtUp} (peak ${peak})`,
    );
  }

  it('rises while the function falls behind and returns to ~0, read with @aws-sdk/client-cloudwatch', async () => {
    for (const dims of [
      [{ Name: 'FunctionName', Value: 'slow-fn' }],
      [{ Name: 'EventSourceMappingUUID', Value: uuid }],
    ]) {
      const out = await cw.send(
        new GetMetricStatisticsCommand({
          Namespace: 'AWS/Lambda',
          MetricName: 'IteratorAge',
          Dimensions: dims,
          StartTime: new Date(T0),
          EndTime: new Date(clock.now() + MIN),
          Period: 60,
          Statistics: ['Maximum', 'Average', 'SampleCount'],
        }),
      );
      const dps: Datapoint[] = out.Datapoints!;
      assert.deepEqual(
        dps.map((d) => (d.Timestamp!.getTime() - T0) / MIN),
        Array.from({ length: minutes }, (_, i) => i),
      );
      assertCatchUp(dps.map((d) => d.Maximum!));
      assert.deepEqual(
        dps.map((d) => d.SampleCount),
        [...Array.from({ length: minutes - 1 }, () => BATCHES_PER_MINUTE), 2],
      );
      for (const d of dps) assert.ok(d.Average! <= d.Maximum!);
    }
  });

  it('reads the same through the AWS CLI', async () => {
    const { json } = await awsCli(
      app,
      iteratorAgeStatisticsArgs({
        functionName: 'slow-fn',
        start: T0,
        end: clock.now() + MIN,
        periodSeconds: 60,
        statistics: ['Maximum'],
      }),
    );
    const dps = (json as { Datapoints: Array<{ Timestamp: number | string; Maximum: number }> }).Datapoints;
    const time = (t: number | string): number => (typeof t === 'number' ? t * 1000 : Date.parse(t));
    dps.sort((a, b) => time(a.Timestamp) - time(b.Timestamp));
    assertCatchUp(dps.map((d) => d.Maximum));
    // The whole range in one period: the peak.
    const { json: whole } = await awsCli(
      app,
      iteratorAgeStatisticsArgs({
        functionName: 'slow-fn',
        start: T0,
        end: clock.now() + MIN,
        periodSeconds: 60 * (minutes + 1),
        statistics: ['Maximum', 'SampleCount'],
      }),
    );
    const [all] = (whole as { Datapoints: Array<{ Maximum: number; SampleCount: number }> }).Datapoints;
    assert.equal(all!.Maximum, Math.max(...dps.map((d) => d.Maximum)));
    assert.equal(all!.SampleCount, BACKLOG / BATCH + 2);
  });

  it('counts the function invocations, errors, duration and concurrency from Lambda', async () => {
    const stat = async (
      metric: string,
      statistic: 'Sum' | 'Maximum' | 'Minimum',
    ): Promise<number | undefined> => {
      const out = await cw.send(
        new GetMetricStatisticsCommand({
          Namespace: 'AWS/Lambda',
          MetricName: metric,
          Dimensions: [{ Name: 'FunctionName', Value: 'slow-fn' }],
          StartTime: new Date(T0),
          EndTime: new Date(clock.now() + MIN),
          Period: 60 * (minutes + 1),
          Statistics: [statistic],
        }),
      );
      return out.Datapoints![0]?.[statistic];
    };
    assert.equal(await stat('Invocations', 'Sum'), fnInvokes);
    assert.equal(await stat('Errors', 'Sum'), 0);
    assert.ok((await stat('Duration', 'Minimum'))! >= 150, 'Duration covers the handler sleep');
    assert.equal(await stat('ConcurrentExecutions', 'Maximum'), 1);
  });
});
