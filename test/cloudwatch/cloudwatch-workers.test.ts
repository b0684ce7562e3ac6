import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GetMetricDataCommand, ListMetricsCommand, type CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DeleteFunctionCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import type { App } from '../../src/app/app.js';
import type { StatusReport } from '../../src/app/status-report.js';
import { Gate } from '../harness/gate.js';
import { eventMatching, transports, withTestServer } from '../harness/helpers.js';
import { hooks } from '../harness/hooks.js';
import { invoke } from '../lambda/concurrency-helpers.js';
import { createGated, lambdaClient } from '../lambda/lambda-helpers.js';
import { cli, cloudWatchClient, hourDatapoint, TestClock } from './cloudwatch-fixtures.js';

const T0 = Date.parse('2024-05-01T12:00:00Z');
const HOUR = 3_600_000;
const NS = 'Tributary/Lambda';
const W = [{ Name: 'FunctionName', Value: 'w' }];

/**
 * The machine limit's figures (namespace Tributary/Lambda) come from the one recorder: the CloudWatch API lists and
 * answers them like AWS's metrics, `/metrics` keeps the names `tributary_lambda_*` and `tributary status` shows them.
 */
for (const transport of transports) {
  describe(`Tributary/Lambda worker metrics through CloudWatch (${transport})`, () => {
    const gate = Gate.forSuite();
    const clock = new TestClock(T0);
    let app: App;
    let l: LambdaClient;
    let cw: CloudWatchClient;
    withTestServer(
      { lambda: { maxWorkers: 2, spareWorkers: 0 }, testHooks: { metricsClock: clock.now } },
      (a) => ({ l: lambdaClient(a, transport === 'h1' ? 'h1' : 'h2'), cw: cloudWatchClient(a, transport) }),
      (a, made) => {
        app = a;
        ({ l, cw } = made);
      },
    );

    const metrics = async (): Promise<string[]> =>
      (await app.metrics.metrics()).split('\n').filter((x) => x.startsWith('tributary_lambda_'));
    const stat = async (metric: string, dims: typeof W, statistic: 'Maximum' | 'SampleCount') => {
      const d = await hourDatapoint(cw, T0, { namespace: NS, name: metric, dims }, statistic);
      assert.ok(d, metric);
      return { value: d[statistic], unit: d.Unit };
    };

    it('with every slot taken: workers, waiting and each wait in CloudWatch, on /metrics and in status', async () => {
      await createGated(l, gate, 'w');
      const start = gate.arrived.length;
      const blocked = eventMatching<[{ waiting: number }]>(
        hooks(app).lambdaEvents,
        'workers',
        (e) => e.waiting === 1,
      );
      const results = ['w1', 'w2', 'w3'].map((id) => invoke(l, 'w', id));
      await gate.reached(start + 2);
      await blocked;

      const now = await metrics();
      for (const line of [
        'tributary_lambda_workers 2',
        'tributary_lambda_max_workers 2',
        'tributary_lambda_invocations_waiting_for_worker 1',
      ])
        assert.ok(now.includes(line), `${line} in\n${now.join('\n')}`);
      const report = (await (await fetch(`${app.endpoint}/_tributary/status`)).json()) as StatusReport;
      assert.deepEqual(report.workers, { alive: 2, maxWorkers: 2, waiting: 1, waitTimeouts: 0 });

      gate.open();
      for (const r of await Promise.all(results)) assert.equal(r.FunctionError, undefined);
      gate.shut();

      const listed = await cw.send(new ListMetricsCommand({ Namespace: NS }));
      assert.deepEqual(
        listed.Metrics?.map((m) => [m.MetricName, (m.Dimensions ?? []).map((d) => `${d.Name}=${d.Value}`)]),
        [
          ['InvocationsWaitingForWorker', []],
          ['MaxWorkers', []],
          ['WorkerWait', ['FunctionName=w']],
          ['Workers', []],
        ],
      );
      assert.deepEqual(await stat('MaxWorkers', [], 'Maximum'), { value: 2, unit: 'Count' });
      assert.deepEqual(await stat('Workers', [], 'Maximum'), { value: 2, unit: 'Count' });
      assert.deepEqual(await stat('InvocationsWaitingForWorker', [], 'Maximum'), { value: 1, unit: 'Count' });
      assert.deepEqual(await stat('WorkerWait', W, 'SampleCount'), { value: 3, unit: 'Milliseconds' });
      const data = await cw.send(
        new GetMetricDataCommand({
          StartTime: new Date(T0),
          EndTime: new Date(T0 + HOUR),
          MetricDataQueries: [
            {
              Id: 'wait',
              MetricStat: {
                Metric: { Namespace: NS, MetricName: 'WorkerWait', Dimensions: W },
                Period: 3600,
                Stat: 'Maximum',
              },
            },
          ],
        }),
      );
      const waited = data.MetricDataResults?.[0]?.Values?.[0];
      assert.ok(waited !== undefined && waited > 0, `the third invocation waited: ${waited}`);
      assert.ok((await metrics()).includes('tributary_lambda_worker_wait_ms_count{function_name="w"} 3'));
      if (transport === 'h2') {
        // The AWS CLI, as the README shows it.
        const out = (await cli(app, ['cloudwatch', 'list-metrics', '--namespace', NS])).json as {
          Metrics: Array<{ MetricName: string }>;
        };
        assert.deepEqual(out.Metrics.map((m) => m.MetricName).sort(), [
          'InvocationsWaitingForWorker',
          'MaxWorkers',
          'WorkerWait',
          'Workers',
        ]);
      }
    });

    it("a deleted function's series leave /metrics; its datapoints stay in CloudWatch; re-created, it counts anew", async () => {
      // Its idle workers end: the fleet tells the count as each process is gone.
      const ended = eventMatching<[{ alive: number }]>(
        hooks(app).lambdaEvents,
        'workers',
        (e) => e.alive === 0,
      );
      await l.send(new DeleteFunctionCommand({ FunctionName: 'w' }));
      await ended;
      const after = await metrics();
      assert.deepEqual(
        after.filter((x) => x.includes('function_name="w"')),
        [],
      );
      assert.ok(after.includes('tributary_lambda_max_workers 2'));
      assert.ok(after.includes('tributary_lambda_workers 0'), after.join('\n'));
      // As AWS keeps a deleted function's metrics until they expire.
      assert.deepEqual(await stat('WorkerWait', W, 'SampleCount'), { value: 3, unit: 'Milliseconds' });

      await createGated(l, gate, 'w');
      gate.open();
      assert.equal((await invoke(l, 'w', 'again')).FunctionError, undefined);
      gate.shut();
      assert.ok((await metrics()).includes('tributary_lambda_worker_wait_ms_count{function_name="w"} 1'));
      assert.deepEqual(await stat('WorkerWait', W, 'SampleCount'), { value: 4, unit: 'Milliseconds' });
    });
  });
}
