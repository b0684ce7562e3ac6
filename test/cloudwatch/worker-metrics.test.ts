import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { describe, it } from 'node:test';
import pino from 'pino';
import { Registry } from 'prom-client';
import { MetricRecorder, TRIBUTARY_LAMBDA_NAMESPACE } from '../../src/cloudwatch/metric-recorder.js';
import { MetricStore } from '../../src/cloudwatch/metric-store.js';
import { compileCloudWatchOptions } from '../../src/cloudwatch/options.js';
import { PrometheusBridge } from '../../src/cloudwatch/prometheus-bridge.js';
import { recordWorkerMetrics, type WorkerEvents } from '../../src/cloudwatch/sources/worker-source.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import { TestClock } from './cloudwatch-fixtures.js';

/** The worker source on a fake Lambda event bus, into a real recorder, store and Prometheus bridge. */
function setup(): {
  events: EventEmitter<WorkerEvents>;
  store: MetricStore;
  recorder: MetricRecorder;
  registry: Registry;
  clock: TestClock;
} {
  const clock = new TestClock();
  const store = new MetricStore(new MemoryStore(), pino({ level: 'silent' }), {
    ...compileCloudWatchOptions(),
    clock: clock.now,
  });
  const registry = new Registry();
  const recorder = new MetricRecorder(store, new PrometheusBridge(registry));
  const events = new EventEmitter<WorkerEvents>();
  recordWorkerMetrics(events, recorder);
  return { events, store, recorder, registry, clock };
}

const fn = (name: string) => [{ Name: 'FunctionName', Value: name }];

describe('Tributary/Lambda worker metrics (source, recorder, Prometheus bridge)', () => {
  it('each figure is one CloudWatch series with its unit and one Prometheus family under its old name', async () => {
    const { events, store, registry } = setup();
    events.emit('workers', { alive: 0, maxWorkers: 4, waiting: 0 });
    events.emit('workers', { alive: 4, maxWorkers: 4, waiting: 3 });
    events.emit('workers', { alive: 4, maxWorkers: 4, waiting: 1 });
    events.emit('workerWait', { functionName: 'a', waitedMs: 0, timedOut: false });
    events.emit('workerWait', { functionName: 'a', waitedMs: 40, timedOut: false });
    events.emit('workerWait', { functionName: 'b', waitedMs: 1000, timedOut: true });

    const series = store
      .list()
      .filter((s) => s.namespace === TRIBUTARY_LAMBDA_NAMESPACE)
      .map((s) => [s.metricName, s.dimensions.map((d) => d.Value).join(','), s.unit]);
    assert.deepEqual(series, [
      ['InvocationsWaitingForWorker', '', 'Count'],
      ['MaxWorkers', '', 'Count'],
      ['WorkerWait', 'a', 'Milliseconds'],
      ['WorkerWait', 'b', 'Milliseconds'],
      ['WorkerWaitTimeouts', 'b', 'Count'],
      ['Workers', '', 'Count'],
    ]);
    const minute = (name: string, dims: Array<{ Name: string; Value: string }> = []) => {
      const s = store.get(TRIBUTARY_LAMBDA_NAMESPACE, name, dims);
      assert.ok(s, name);
      const [d] = [...s.buckets.values()];
      assert.ok(d);
      return d.toJSON();
    };
    // Every value the gauges took is in the minute: the peak of 3 waiting shows though it lasted one change.
    assert.equal(minute('InvocationsWaitingForWorker').max, 3);
    assert.equal(minute('Workers').max, 4);
    assert.equal(minute('WorkerWait', fn('a')).n, 2);

    const text = await registry.metrics();
    for (const line of [
      'tributary_lambda_workers 4',
      'tributary_lambda_max_workers 4',
      'tributary_lambda_invocations_waiting_for_worker 1',
      '# TYPE tributary_lambda_worker_wait_ms histogram',
      'tributary_lambda_worker_wait_ms_count{function_name="a"} 2',
      'tributary_lambda_worker_wait_ms_sum{function_name="a"} 40',
      // The buckets the histogram always had, up to 15 minutes.
      'tributary_lambda_worker_wait_ms_bucket{le="1",function_name="a"} 1',
      'tributary_lambda_worker_wait_ms_bucket{le="900000",function_name="b"} 1',
      'tributary_lambda_worker_wait_timeouts_total{function_name="b"} 1',
    ])
      assert.ok(text.split('\n').includes(line), `${line} in:\n${text}`);
    assert.doesNotMatch(text, /tributary_lambda_worker_wait_timeouts_total\{function_name="a"\}/);
  });

  it("a deleted function's series leave /metrics, its datapoints stay in CloudWatch; values after start again", async () => {
    const { events, store, registry } = setup();
    events.emit('workerWait', { functionName: 'gone', waitedMs: 5, timedOut: true });
    events.emit('workerWait', { functionName: 'kept', waitedMs: 7, timedOut: false });
    events.emit('workers', { alive: 1, maxWorkers: 2, waiting: 0 });
    events.emit('functionDeleted', { functionName: 'gone' });

    const text = await registry.metrics();
    assert.doesNotMatch(text, /function_name="gone"/);
    assert.match(text, /^tributary_lambda_worker_wait_ms_count\{function_name="kept"\} 1$/m);
    assert.match(text, /^tributary_lambda_workers 1$/m);
    // AWS keeps a deleted resource's metrics until they expire: GetMetricStatistics still answers for it.
    assert.ok(store.get(TRIBUTARY_LAMBDA_NAMESPACE, 'WorkerWait', fn('gone')));
    assert.ok(store.get(TRIBUTARY_LAMBDA_NAMESPACE, 'WorkerWaitTimeouts', fn('gone')));

    // Re-created under the same name: a new function, counted from zero on /metrics.
    events.emit('workerWait', { functionName: 'gone', waitedMs: 0, timedOut: false });
    const after = await registry.metrics();
    assert.match(after, /^tributary_lambda_worker_wait_ms_count\{function_name="gone"\} 1$/m);
    assert.doesNotMatch(after, /tributary_lambda_worker_wait_timeouts_total\{function_name="gone"\}/);
    assert.equal(store.get(TRIBUTARY_LAMBDA_NAMESPACE, 'WorkerWait', fn('gone'))?.buckets.size, 1);
  });

  it('status totals: the gauges now, and wait timeouts since start', () => {
    const { events, recorder } = setup();
    events.emit('workers', { alive: 3, maxWorkers: 5, waiting: 2 });
    events.emit('workerWait', { functionName: 'a', waitedMs: 1000, timedOut: true });
    events.emit('functionDeleted', { functionName: 'a' });
    assert.deepEqual(recorder.workers, { alive: 3, maxWorkers: 5, waiting: 2, waitTimeouts: 1 });
  });

  it('other namespaces keep their families: no label-less aggregate, one family per dimension', async () => {
    const { store, recorder, registry } = setup();
    const byFn = fn('f');
    recorder.put('AWS/Lambda', 'Invocations', [byFn, []], 1);
    const text = await registry.metrics();
    assert.match(text, /^tributary_function_invocations_total\{function_name="f"\} 1$/m);
    assert.doesNotMatch(text, /^tributary_function_invocations_total \d/m);
    assert.equal(store.get('AWS/Lambda', 'Invocations', [])?.buckets.size, 1);
    // Forgetting is per namespace: AWS/Lambda's series of a function are not the worker source's to drop.
    recorder.forget(TRIBUTARY_LAMBDA_NAMESPACE, byFn);
    assert.match(await registry.metrics(), /^tributary_function_invocations_total\{function_name="f"\} 1$/m);
  });
});
