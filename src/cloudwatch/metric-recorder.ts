import type { Dimension } from './dimensions.js';
import type { MetricStore } from './metric-store.js';
import type { PrometheusBridge } from './prometheus-bridge.js';

export const LAMBDA_NAMESPACE = 'AWS/Lambda';
export const KINESIS_NAMESPACE = 'AWS/Kinesis';
/** Tributary's own figures of event source mappings (no AWS metric says them), beside AWS/Lambda's. */
export const TRIBUTARY_MAPPINGS_NAMESPACE = 'Tributary/EventSourceMappings';
/** Tributary's own figures of the machine limit on worker processes (--max-workers): AWS has no such limit. */
export const TRIBUTARY_LAMBDA_NAMESPACE = 'Tributary/Lambda';
/** Tributary's own figures of the server itself (bugs answered as InternalFailure): no AWS service has them. */
export const TRIBUTARY_SERVER_NAMESPACE = 'Tributary/Server';

/** The StandardUnit of each metric Tributary emits (AWS's units). */
export const METRIC_UNITS: Readonly<Record<string, string>> = {
  // AWS/Lambda
  Invocations: 'Count',
  Errors: 'Count',
  Throttles: 'Count',
  Duration: 'Milliseconds',
  ConcurrentExecutions: 'Count',
  IteratorAge: 'Milliseconds',
  DestinationDeliveryFailures: 'Count',
  PolledEventCount: 'Count',
  FilteredOutEventCount: 'Count',
  InvokedEventCount: 'Count',
  FailedInvokeEventCount: 'Count',
  DroppedEventCount: 'Count',
  OnFailureDestinationDeliveredEventCount: 'Count',
  // AWS/Kinesis
  IncomingRecords: 'Count',
  IncomingBytes: 'Bytes',
  WriteProvisionedThroughputExceeded: 'Count',
  'GetRecords.Records': 'Count',
  'GetRecords.Bytes': 'Bytes',
  'GetRecords.Success': 'Count',
  'GetRecords.IteratorAgeMilliseconds': 'Milliseconds',
  // Tributary/EventSourceMappings
  RecordsProcessed: 'Count',
  RecordsDiscarded: 'Count',
  RecordsBehind: 'Count',
  OldestPendingRecordAge: 'Milliseconds',
  EngineBugs: 'Count',
  Stalls: 'Count',
  // Tributary/Lambda
  WorkerWait: 'Milliseconds',
  WorkerWaitTimeouts: 'Count',
  Workers: 'Count',
  MaxWorkers: 'Count',
  InvocationsWaitingForWorker: 'Count',
  // Tributary/Server
  InternalErrors: 'Count',
};

/** Cumulative per-mapping figures since the server started (`tributary status`). */
export interface MappingTotals {
  batches: number;
  /** Records of successful batches. */
  records: number;
  invocations: number;
  errors: number;
  /** Invokes throttled or refused by the service (not counted as retries). */
  throttles: number;
  /** IteratorAge of the latest batch, ms. */
  iteratorAgeMs: number;
  /** Highest IteratorAge seen, of a batch or of the oldest pending record while behind. */
  maxIteratorAgeMs: number;
  discarded: number;
  destinationDeliveryFailures: number;
  filtered: number;
  polled: number;
  /** Engine bugs (logged with their stack) and watchdog restarts of a stalled shard. */
  bugs: number;
  stalls: number;
}

/** Cumulative per-function figures since the server started (`tributary status`). */
export interface FunctionTotals {
  invocations: number;
  errors: number;
  throttles: number;
  /** Sum of durations, ms (average = durationMsTotal / invocations). */
  durationMsTotal: number;
  maxDurationMs: number;
  /** Invocations running now. */
  concurrent: number;
  maxConcurrent: number;
}

/** Cumulative per-stream figures since the server started (`tributary status`). */
export interface StreamTotals {
  incomingRecords: number;
  incomingBytes: number;
  getRecordsRecords: number;
}

/** The machine limit on worker processes (`tributary status`): now, and timeouts since the server started. */
export interface WorkerTotals {
  /** Worker processes alive (spares included). */
  alive: number;
  maxWorkers: number;
  /** Invocations waiting now because every worker slot is taken. */
  waiting: number;
  /** Invocations failed as timeouts because no slot came free within their function's timeout. */
  waitTimeouts: number;
}

/** The server's own figures (`tributary status`), since it started. */
export interface ServerTotals {
  /** Requests (or batch entries) that failed with a bug, answered as InternalFailure (`server/error-path.ts`). */
  internalErrors: number;
}

/** The one place values enter: the minute-bucket store and the Prometheus mirror. */
export class MetricRecorder {
  readonly functions = new Map<string, FunctionTotals>();
  readonly streams = new Map<string, StreamTotals>();
  readonly mappings = new Map<string, MappingTotals>();
  readonly workers: WorkerTotals = { alive: 0, maxWorkers: 0, waiting: 0, waitTimeouts: 0 };
  readonly server: ServerTotals = { internalErrors: 0 };
  readonly #store: MetricStore;
  readonly #prom: PrometheusBridge;

  constructor(store: MetricStore, prom: PrometheusBridge) {
    this.#store = store;
    this.#prom = prom;
  }

  /** Records `value` for `metricName` under each dimension set given. */
  put(
    namespace: string,
    metricName: string,
    dimensionSets: ReadonlyArray<readonly Dimension[]>,
    value: number,
  ): void {
    const unit = METRIC_UNITS[metricName] ?? 'None';
    for (const dims of dimensionSets) {
      this.#store.put(namespace, metricName, dims, value, unit);
      this.#prom.observe(namespace, metricName, dims, value, unit);
    }
  }

  /**
   * The resource these dimensions name is gone: its live series in `namespace` leave `/metrics`. Its CloudWatch
   * history stays until the retention drops it, as AWS keeps a deleted resource's datapoints.
   */
  forget(namespace: string, dimensions: readonly Dimension[]): void {
    this.#prom.forget(namespace, dimensions);
  }

  functionTotals(name: string): FunctionTotals {
    return totalsOf(this.functions, name, () => ({
      invocations: 0,
      errors: 0,
      throttles: 0,
      durationMsTotal: 0,
      maxDurationMs: 0,
      concurrent: 0,
      maxConcurrent: 0,
    }));
  }

  mappingTotals(uuid: string): MappingTotals {
    return totalsOf(this.mappings, uuid, () => ({
      batches: 0,
      records: 0,
      invocations: 0,
      errors: 0,
      throttles: 0,
      iteratorAgeMs: 0,
      maxIteratorAgeMs: 0,
      discarded: 0,
      destinationDeliveryFailures: 0,
      filtered: 0,
      polled: 0,
      bugs: 0,
      stalls: 0,
    }));
  }

  streamTotals(name: string): StreamTotals {
    return totalsOf(this.streams, name, () => ({
      incomingRecords: 0,
      incomingBytes: 0,
      getRecordsRecords: 0,
    }));
  }
}

/** The running totals under `key`, made (all zero) on first use. */
function totalsOf<T>(totals: Map<string, T>, key: string, zero: () => T): T {
  let t = totals.get(key);
  if (t === undefined) {
    t = zero();
    totals.set(key, t);
  }
  return t;
}
