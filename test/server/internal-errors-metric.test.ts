import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { ListMetricsCommand, type CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { KinesisClient, ListStreamsCommand } from '@aws-sdk/client-kinesis';
import type { App, StartOptions } from '../../src/app/app.js';
import type { StatusReport } from '../../src/app/status-report.js';
import { renderStatus } from '../../src/cli/status.js';
import { MetricRecorder, TRIBUTARY_SERVER_NAMESPACE } from '../../src/cloudwatch/metric-recorder.js';
import { MetricStore } from '../../src/cloudwatch/metric-store.js';
import { compileCloudWatchOptions } from '../../src/cloudwatch/options.js';
import { PrometheusBridge } from '../../src/cloudwatch/prometheus-bridge.js';
import { internalErrorSink } from '../../src/cloudwatch/sources/server-source.js';
import { ErrorPath } from '../../src/server/error-path.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import { clientConfig, startTestServer, tempDir, transports, withTestServer } from '../harness/helpers.js';
import { cli, cloudWatchClient, hourDatapoint, TestClock } from '../cloudwatch/cloudwatch-fixtures.js';

const T0 = Date.parse('2024-05-01T12:00:00Z');
const NS = 'Tributary/Server';
const LIST_STREAMS = [
  { Name: 'Service', Value: 'kinesis' },
  { Name: 'Operation', Value: 'ListStreams' },
];
/** As ListMetrics answers them: by name. */
const LISTED = [LIST_STREAMS[1]!, LIST_STREAMS[0]!];

/**
 * Bugs answered as InternalFailure (the error path, src/server/error-path.ts) are counted through the one recorder:
 * CloudWatch's Tributary/Server InternalErrors {Service, Operation}, `/metrics`'s
 * tributary_internal_errors_total{service,operation} and `tributary status`'s internalErrors.
 */
for (const transport of transports) {
  describe(`internal errors through the recorder (${transport})`, () => {
    const clock = new TestClock(T0);
    let app: App;
    let cw: CloudWatchClient;
    let k: KinesisClient;
    withTestServer(
      {
        testHooks: {
          metricsClock: clock.now,
          beforeOperation({ service, operation }) {
            if (service === 'kinesis' && operation === 'ListStreams') {
              // A genuine TypeError, as a bug would raise it.
              const shards = undefined as unknown as unknown[];
              void shards.length;
            }
          },
        },
      },
      (a) => ({
        cw: cloudWatchClient(a, transport),
        k: new KinesisClient({ ...clientConfig(a, transport), maxAttempts: 1 }),
      }),
      (a, made) => {
        app = a;
        ({ cw, k } = made);
      },
    );

    it('a provoked bug shows in ListMetrics, GetMetricStatistics, /metrics and status', async () => {
      const status = async (): Promise<StatusReport> =>
        (await (await fetch(`${app.endpoint}/_tributary/status`)).json()) as StatusReport;
      assert.equal((await status()).internalErrors, 0);
      for (let i = 0; i < 2; i++) {
        const err = await k.send(new ListStreamsCommand({})).then(
          () => assert.fail('ListStreams succeeded'),
          (e: unknown) => e as Error,
        );
        assert.equal(err.name, 'InternalFailure');
      }

      const listed = await cw.send(new ListMetricsCommand({ Namespace: NS }));
      assert.deepEqual(listed.Metrics, [{ Namespace: NS, MetricName: 'InternalErrors', Dimensions: LISTED }]);
      const sum = await hourDatapoint(
        cw,
        T0,
        { namespace: NS, name: 'InternalErrors', dims: LIST_STREAMS },
        'Sum',
      );
      assert.deepEqual([sum?.Sum, sum?.Unit], [2, 'Count']);

      const text = await app.metrics.metrics();
      assert.match(text, /^tributary_internal_errors_total\{service="kinesis",operation="ListStreams"\} 2$/m);
      const report = await status();
      assert.equal(report.internalErrors, 2);
      assert.match(renderStatus(report), /\nSERVER\n +INTERNAL ERRORS\n +2\n/);

      if (transport === 'h2') {
        // The AWS CLI, as the README shows it.
        const out = (await cli(app, ['cloudwatch', 'list-metrics', '--namespace', NS])).json as {
          Metrics: Array<{ MetricName: string; Dimensions: unknown }>;
        };
        assert.deepEqual(out.Metrics, [{ Namespace: NS, MetricName: 'InternalErrors', Dimensions: LISTED }]);
      }
    });
  });
}

describe('internal errors across a restart', () => {
  it('CloudWatch keeps their datapoints; /metrics and status count since the start, as Prometheus counters do', async () => {
    const dataDir = tempDir();
    const clock = new TestClock(T0);
    const opts: StartOptions = {
      dataDir,
      testHooks: {
        metricsClock: clock.now,
        beforeOperation({ operation }) {
          if (operation === 'ListStreams') throw new TypeError('a bug');
        },
      },
    };
    const first = await startTestServer(opts);
    const k = new KinesisClient({ ...clientConfig(first), maxAttempts: 1 });
    try {
      await assert.rejects(k.send(new ListStreamsCommand({})), { name: 'InternalFailure' });
    } finally {
      k.destroy();
      await first.close();
    }
    const second = await startTestServer(opts);
    const cw = cloudWatchClient(second);
    try {
      const sum = await hourDatapoint(
        cw,
        T0,
        { namespace: NS, name: 'InternalErrors', dims: LIST_STREAMS },
        'Sum',
      );
      assert.equal(sum?.Sum, 1);
      const report = (await (await fetch(`${second.endpoint}/_tributary/status`)).json()) as StatusReport;
      assert.equal(report.internalErrors, 0);
      assert.doesNotMatch(await second.metrics.metrics(), /^tributary_internal_errors_total\{/m);
    } finally {
      cw.destroy();
      await second.close();
    }
  });
});

describe('the internal error sink', () => {
  function recorder(): { rec: MetricRecorder; registry: Registry; store: MetricStore } {
    const registry = new Registry();
    const store = new MetricStore(new MemoryStore(), pino({ level: 'silent' }), {
      ...compileCloudWatchOptions(),
      clock: () => T0,
    });
    return { rec: new MetricRecorder(store, new PrometheusBridge(registry)), registry, store };
  }

  it('counts what was reported before it was given, and a request without an operation under {Service}', async () => {
    const { rec, registry, store } = recorder();
    const errors = new ErrorPath(pino({ level: 'silent' }));
    const site = { service: 'listener', operation: undefined, requestId: 'r1' };
    errors.report(new TypeError('early'), site);
    errors.report(new TypeError('early'), { ...site, service: 'kinesis', operation: 'PutRecord' });
    // Not a bounded operation name: counted without one.
    errors.report(new TypeError('early'), { ...site, service: 'kinesis', operation: 'x'.repeat(65) });
    errors.countInto(internalErrorSink(rec));
    errors.report(new TypeError('late'), site);
    assert.equal(rec.server.internalErrors, 4);
    assert.throws(() => errors.countInto(internalErrorSink(rec)), /already counts/);

    const text = await registry.metrics();
    const series = text.split('\n').filter((l) => l.startsWith('tributary_internal_errors_total{'));
    assert.deepEqual(series.sort(), [
      'tributary_internal_errors_total{service="kinesis",operation=""} 1',
      'tributary_internal_errors_total{service="kinesis",operation="PutRecord"} 1',
      'tributary_internal_errors_total{service="listener",operation=""} 2',
    ]);
    assert.deepEqual(
      store
        .list()
        .filter((m) => m.namespace === TRIBUTARY_SERVER_NAMESPACE)
        .map((m) => m.dimensions.map((d) => `${d.Name}=${d.Value}`).join(','))
        .sort(),
      ['Operation=PutRecord,Service=kinesis', 'Service=kinesis', 'Service=listener'],
    );
  });

  it('exports no series of a dimension the table does not name', async () => {
    const { rec, registry } = recorder();
    rec.put(NS, 'InternalErrors', [[{ Name: 'Region', Value: 'eu-west-1' }]], 1);
    assert.doesNotMatch(await registry.metrics(), /tributary_internal_errors_total\{/);
  });
});
