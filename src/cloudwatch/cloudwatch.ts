import type { Registry } from 'prom-client';
import type { AppContext, Component } from '../server/context.js';
import {
  queryOperations,
  rpcOperations,
  type AnyOperation,
  type OperationsHost,
} from '../server/operations.js';
import { queryService } from '../server/protocols/query.js';
import { rpcService } from '../server/protocols/rpc.js';
import { rpcV2CborService } from '../server/protocols/rpc-v2-cbor.js';
import { getMetricData } from './actions/get-metric-data.js';
import { getMetricStatistics } from './actions/get-metric-statistics.js';
import { listMetrics } from './actions/list-metrics.js';
import { CLOUDWATCH_DIALECT } from './errors.js';
import { MetricRecorder } from './metric-recorder.js';
import { MetricStore } from './metric-store.js';
import { compileCloudWatchOptions, type CloudWatchOptions } from './options.js';
import { PrometheusBridge } from './prometheus-bridge.js';
import { recordLambdaMetrics, type InvokeEventSource } from './sources/lambda-source.js';
import { recordMappingMetrics, type MappingEventSource } from './sources/mapping-source.js';
import { recordStreamMetrics, type StreamEventSource } from './sources/stream-source.js';
import { recordWorkerMetrics, type WorkerEventSource } from './sources/worker-source.js';

/** The service shape name: JSON target prefix and RPC v2 path segment. */
const SERVICE = 'GraniteServiceVersion20100801';
const VERSION = '2010-08-01';
const XMLNS = 'http://monitoring.amazonaws.com/doc/2010-08-01/';

const OPERATIONS: Record<string, AnyOperation<MetricStore>> = {
  GetMetricStatistics: getMetricStatistics,
  GetMetricData: getMetricData,
  ListMetrics: listMetrics,
};

export interface CloudWatchSources {
  streams: StreamEventSource;
  mappings: MappingEventSource;
  lambda: InvokeEventSource & WorkerEventSource;
}

export interface CloudWatch extends Component {
  readonly store: MetricStore;
  readonly recorder: MetricRecorder;
}

/**
 * CloudWatch metrics (namespaces AWS/Lambda and AWS/Kinesis, and Tributary's own Tributary/*) in one-minute buckets, fed by the other
 * components' events, read through GetMetricStatistics / GetMetricData / ListMetrics in each protocol
 * clients use: AWS JSON 1.0 (X-Amz-Target, @aws-sdk/client-cloudwatch), Smithy RPC v2 CBOR (botocore
 * >= 1.40: boto3 and AWS CLI v1) and the query protocol (AWS CLI v2 builds before CloudWatch moved to
 * JSON, older SDKs); also mirrored into Prometheus on /metrics.
 */
export function createCloudWatch(
  ctx: AppContext,
  registry: Registry,
  sources: CloudWatchSources,
  opts: CloudWatchOptions = {},
  clock: () => number = Date.now,
): CloudWatch {
  const options = compileCloudWatchOptions(opts);
  const store = new MetricStore(ctx.store, ctx.log, { ...options, clock });
  const recorder = new MetricRecorder(store, new PrometheusBridge(registry));
  recordMappingMetrics(sources.mappings, recorder);
  recordStreamMetrics(sources.streams, sources.mappings, recorder);
  recordLambdaMetrics(sources.lambda, recorder);
  recordWorkerMetrics(sources.lambda, recorder);

  const host: OperationsHost<MetricStore> = {
    context: store,
    operations: OPERATIONS,
    dialect: CLOUDWATCH_DIALECT,
    errors: ctx.errors,
  };

  return {
    name: 'cloudwatch',
    store,
    recorder,
    services: [
      rpcService({
        name: 'cloudwatch-json',
        targetPrefix: SERVICE,
        jsonVersion: '1.0',
        operations: rpcOperations(host, 'cloudwatch-json'),
      }),
      rpcV2CborService({
        name: 'cloudwatch-cbor',
        serviceName: SERVICE,
        operations: rpcOperations(host, 'cloudwatch-cbor'),
      }),
      // Numbers and timestamps are read from the parameters' text by shape, as CloudWatch does.
      queryService({
        name: 'cloudwatch-query',
        version: VERSION,
        xmlns: XMLNS,
        actions: queryOperations(host, 'cloudwatch-query', { scalars: 'typed' }),
      }),
    ],
    async start() {
      store.start();
    },
    async close() {
      await store.close();
    },
  };
}
