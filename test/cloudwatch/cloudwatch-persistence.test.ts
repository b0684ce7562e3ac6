import assert from 'node:assert/strict';
import { once } from 'node:events';
import { describe, it } from 'node:test';
import { GetMetricStatisticsCommand, ListMetricsCommand } from '@aws-sdk/client-cloudwatch';
import type { App } from '../../src/app/app.js';
import { startTestServer, tempDir } from '../harness/helpers.js';
import { cloudWatchClient, TestClock } from './cloudwatch-fixtures.js';
import { hooks } from '../harness/hooks.js';

const T0 = Date.parse('2024-05-01T12:00:00Z');
const MIN = 60_000;
const DIMS = [{ Name: 'FunctionName', Value: 'f' }];

async function maxima(app: App, from: number, to: number): Promise<Array<[number, number]>> {
  const cw = cloudWatchClient(app, 'h1');
  try {
    const out = await cw.send(
      new GetMetricStatisticsCommand({
        Namespace: 'AWS/Lambda',
        MetricName: 'IteratorAge',
        Dimensions: DIMS,
        StartTime: new Date(from),
        EndTime: new Date(to),
        Period: 60,
        Statistics: ['Maximum', 'SampleCount'],
      }),
    );
    return out.Datapoints!.map((d) => [(d.Timestamp!.getTime() - T0) / MIN, d.Maximum!]);
  } finally {
    cw.destroy();
  }
}

describe('CloudWatch metric history', () => {
  it('survives a restart: finished minutes are written as they end, the current one at shutdown', async () => {
    const dataDir = tempDir();
    const clock = new TestClock(T0);
    const first = await startTestServer({ dataDir, testHooks: { metricsClock: clock.now } });
    const put = (v: number): void =>
      hooks(first).metricStore.put('AWS/Lambda', 'IteratorAge', DIMS, v, 'Milliseconds');
    put(10);
    put(30);
    clock.nextMinute();
    const persisted = once(hooks(first).metricStore, 'persisted');
    put(20); // a new minute: minute 0 is written now
    assert.deepEqual(await persisted, [{ minute: T0 }]);
    clock.nextMinute();
    put(5);
    await first.close();

    const second = await startTestServer({ dataDir, testHooks: { metricsClock: clock.now } });
    try {
      assert.deepEqual(await maxima(second, T0, T0 + 10 * MIN), [
        [0, 30],
        [1, 20],
        [2, 5],
      ]);
      // New values of a reloaded minute add to it.
      hooks(second).metricStore.put('AWS/Lambda', 'IteratorAge', DIMS, 50, 'Milliseconds');
      assert.deepEqual((await maxima(second, T0, T0 + 10 * MIN))[2], [2, 50]);
    } finally {
      await second.close();
    }
  });

  it('keeps only retentionMinutes of history, in memory and in the store', async () => {
    const dataDir = tempDir();
    const clock = new TestClock(T0);
    const opts = { dataDir, testHooks: { metricsClock: clock.now }, cloudwatch: { retentionMinutes: 5 } };
    const first = await startTestServer(opts);
    for (let m = 0; m < 3; m++) {
      hooks(first).metricStore.put('AWS/Lambda', 'IteratorAge', DIMS, m + 1, 'Milliseconds');
      clock.nextMinute();
    }
    await first.close();
    assert.equal(first.ctx.store.engine, 'lmdb');

    // Minutes 0-2 were kept; at minute 6 the horizon (5 minutes: 2..6) leaves out minutes 0 and 1.
    clock.advance(3 * MIN);
    const second = await startTestServer(opts);
    try {
      hooks(second).metricStore.put('AWS/Lambda', 'IteratorAge', DIMS, 100, 'Milliseconds');
      await hooks(second).metricStore.flush(true);
      assert.deepEqual(await maxima(second, T0, T0 + 10 * MIN), [
        [2, 3],
        [6, 100],
      ]);
      const minutes = second.ctx.store
        .listDocs<{ minute: number }>('cloudwatch.minute')
        .map((d) => (d.doc.minute - T0) / MIN);
      assert.deepEqual(minutes, [2, 6]);
    } finally {
      await second.close();
    }
  });

  it('keeps at most maxBuckets buckets, dropping the oldest minute of every series', async () => {
    const dataDir = tempDir();
    const clock = new TestClock(T0);
    const app = await startTestServer({
      dataDir,
      testHooks: { metricsClock: clock.now },
      cloudwatch: { maxBuckets: 4 },
    });
    try {
      const put = (fn: string, v: number): void =>
        hooks(app).metricStore.put(
          'AWS/Lambda',
          'IteratorAge',
          [{ Name: 'FunctionName', Value: fn }],
          v,
          'Milliseconds',
        );
      put('f', 1);
      put('g', 1);
      clock.nextMinute();
      put('f', 2);
      put('g', 2);
      await hooks(app).metricStore.flush(true);
      clock.nextMinute();
      put('f', 3); // a fifth bucket: minute 0 goes, in both series
      await hooks(app).metricStore.flush(true);
      assert.deepEqual(await maxima(app, T0, T0 + 10 * MIN), [
        [1, 2],
        [2, 3],
      ]);
      const minutes = app.ctx.store
        .listDocs<{ minute: number }>('cloudwatch.minute')
        .map((d) => (d.doc.minute - T0) / MIN);
      assert.deepEqual(minutes, [1, 2]);
    } finally {
      await app.close();
    }
  });

  it('keeps at most maxSeries series, dropping the least recently updated', async () => {
    const clock = new TestClock(T0);
    const app = await startTestServer({
      testHooks: { metricsClock: clock.now },
      cloudwatch: { maxSeries: 3 },
    });
    try {
      for (const name of ['a', 'b', 'c', 'd']) {
        hooks(app).metricStore.put('Test', 'M', [{ Name: 'N', Value: name }], 1, 'Count');
        clock.nextMinute();
      }
      const cw = cloudWatchClient(app, 'h1');
      const listed = await cw.send(new ListMetricsCommand({ Namespace: 'Test' }));
      cw.destroy();
      assert.deepEqual(listed.Metrics!.map((m) => m.Dimensions![0]!.Value).sort(), ['b', 'c', 'd']);
    } finally {
      await app.close();
    }
  });

  it('records again into a series that was dropped, when its values come with the same dimension array', async () => {
    // Sources reuse one dimension array per function or mapping, and the store remembers series by array.
    const clock = new TestClock(T0);
    const app = await startTestServer({
      testHooks: { metricsClock: clock.now },
      cloudwatch: { maxSeries: 2 },
    });
    try {
      const a = [{ Name: 'N', Value: 'a' }];
      hooks(app).metricStore.put('Test', 'M', a, 1, 'Count');
      clock.nextMinute();
      for (const name of ['b', 'c']) {
        hooks(app).metricStore.put('Test', 'M', [{ Name: 'N', Value: name }], 1, 'Count');
        clock.nextMinute();
      }
      assert.equal(hooks(app).metricStore.get('Test', 'M', a), undefined, 'a was dropped');
      hooks(app).metricStore.put('Test', 'M', a, 7, 'Count');
      const series = hooks(app).metricStore.get('Test', 'M', a);
      assert.ok(series, 'a is back');
      assert.deepEqual(
        hooks(app)
          .metricStore.list()
          .map((s) => s.dimensions[0]!.Value),
        ['a', 'c'],
      );
      assert.deepEqual(
        [...series.buckets.values()].map((d) => d.sum),
        [7],
      );
    } finally {
      await app.close();
    }
  });
});
