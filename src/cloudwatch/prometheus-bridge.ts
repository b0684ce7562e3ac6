import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { Dimension } from './dimensions.js';

/** Prometheus families by the one dimension a series is scoped by (the all-functions aggregate is not exported). */
const SCOPES: Record<string, { prefix: string; label: string }> = {
  FunctionName: { prefix: 'tributary_function_', label: 'function_name' },
  EventSourceMappingUUID: { prefix: 'tributary_event_source_mapping_', label: 'uuid' },
  StreamName: { prefix: 'tributary_stream_', label: 'stream_name' },
};

/**
 * Namespaces whose families are named by the namespace instead of the dimension, and whose dimensionless series
 * (machine-wide figures, not an aggregate of per-resource ones) are exported too, without labels; a series of
 * one dimension keeps that dimension's label (SCOPES): `Tributary/Lambda` Workers -> `tributary_lambda_workers`,
 * WorkerWait {FunctionName} -> `tributary_lambda_worker_wait_ms{function_name}`.
 */
const NAMESPACE_PREFIXES: Record<string, string> = {
  'Tributary/Lambda': 'tributary_lambda_',
};

/**
 * Namespaces whose series are labelled by a table of dimensions instead (a series of several dimensions, or of one
 * SCOPES does not know): the family prefix, and each dimension's label in the family's label order. A dimension the
 * series lacks gets the label's empty value; a series with a dimension the table does not name is not exported.
 * `Tributary/Server` InternalErrors {Service, Operation} -> `tributary_internal_errors_total{service,operation}`,
 * {Service} alone (no operation known) -> `{service="listener",operation=""}`.
 */
const LABELLED: Record<
  string,
  { prefix: string; labels: ReadonlyArray<readonly [dimension: string, label: string]> }
> = {
  'Tributary/Server': {
    prefix: 'tributary_',
    labels: [
      ['Service', 'service'],
      ['Operation', 'operation'],
    ],
  },
};

/** Help text where `namespace metric (unit)` says too little. */
const HELP: Record<string, string> = {
  WorkerWait: 'Time invocations waited for a worker slot under --max-workers (0 when one was free), ms',
  WorkerWaitTimeouts:
    "Invocations failed as timeouts because no worker slot came free within their function's timeout",
  Workers:
    'Worker processes alive (idle, busy, starting, ending and spare), bounded by tributary_lambda_max_workers',
  MaxWorkers: 'The machine limit on worker processes (--max-workers)',
  InvocationsWaitingForWorker: 'Invocations waiting now because every worker slot is taken',
  InternalErrors:
    'Requests (or batch entries) that failed with an unexpected error, answered as InternalFailure',
};

/** Metrics whose latest value is what matters (a gauge), not a running total. */
const GAUGES = new Set([
  'IteratorAge',
  'ConcurrentExecutions',
  'GetRecords.IteratorAgeMilliseconds',
  'RecordsBehind',
  'OldestPendingRecordAge',
  'Workers',
  'MaxWorkers',
  'InvocationsWaitingForWorker',
]);
/** Metrics exported as histograms (ms). */
const HISTOGRAMS = new Set(['Duration', 'WorkerWait']);
const MS_BUCKETS = [1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 300000, 900000];

type Family = { labels: readonly string[] } & (
  | { kind: 'counter'; m: Counter<string> }
  | { kind: 'gauge'; m: Gauge<string> }
  | { kind: 'histogram'; m: Histogram<string> }
);

const snakeNames = new Map<string, string>();

/** `GetRecords.Records` -> `get_records_records` (metric names are few: memoised, asked on every value). */
function snake(name: string): string {
  let s = snakeNames.get(name);
  if (s === undefined) {
    s = name
      .replace(/\./g, '_')
      .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
      .toLowerCase();
    if (snakeNames.size < 10_000) snakeNames.set(name, s);
  }
  return s;
}

/**
 * Mirrors CloudWatch metric values into Prometheus families on `/metrics`: one family per metric and
 * scope, e.g. `tributary_function_invocations_total{function_name}`,
 * `tributary_stream_incoming_bytes_total{stream_name}`, `tributary_function_duration_ms` (histogram),
 * `tributary_event_source_mapping_iterator_age_ms{uuid}` (gauge), `tributary_lambda_workers` (NAMESPACE_PREFIXES).
 */
export class PrometheusBridge {
  readonly #registry: Registry;
  readonly #families = new Map<string, Family>();
  /** The families each namespace has values in (what `forget` clears). */
  readonly #byNamespace = new Map<string, Set<Family>>();
  /**
   * Family and labels by the dimension array a value comes with, then metric name: sources pass the same
   * arrays for every value, so most observations skip naming the family. prom-client keeps the labels object
   * of a new series, so these objects are never changed.
   */
  readonly #targets = new WeakMap<
    readonly Dimension[],
    Map<string, { namespace: string; family: Family | undefined; labels: Record<string, string> }>
  >();

  constructor(registry: Registry) {
    this.#registry = registry;
  }

  observe(
    namespace: string,
    metricName: string,
    dims: readonly Dimension[],
    value: number,
    unit: string,
  ): void {
    if (dims.length > 1 && LABELLED[namespace] === undefined) return;
    let byName = this.#targets.get(dims);
    if (!byName) this.#targets.set(dims, (byName = new Map()));
    let target = byName.get(metricName);
    if (target === undefined || target.namespace !== namespace) {
      target = this.#target(namespace, metricName, dims, unit);
      byName.set(metricName, target);
    }
    const { family, labels } = target;
    if (!family) return;
    if (family.kind === 'counter') family.m.inc(labels, value);
    else if (family.kind === 'gauge') family.m.set(labels, value);
    else family.m.observe(labels, value);
  }

  /**
   * The resource the one dimension of `dims` names is gone (a deleted function): its series in `namespace` leave
   * every family, so `/metrics` stops showing them; a value recorded later starts them again from zero.
   */
  forget(namespace: string, dims: readonly Dimension[]): void {
    const d = dims.length === 1 ? dims[0] : undefined;
    const label = d ? SCOPES[d.Name]?.label : undefined;
    if (!d || label === undefined) return;
    for (const f of this.#byNamespace.get(namespace) ?? []) {
      if (f.labels.length === 1 && f.labels[0] === label) f.m.remove({ [label]: d.Value });
    }
  }

  /** Where values of this series go: a family and its labels, or nowhere (`family` undefined). */
  #target(
    namespace: string,
    metricName: string,
    dims: readonly Dimension[],
    unit: string,
  ): { namespace: string; family: Family | undefined; labels: Record<string, string> } {
    const labelled = LABELLED[namespace];
    if (labelled) {
      const known = dims.every((d) => labelled.labels.some(([name]) => name === d.Name));
      if (!known) return { namespace, family: undefined, labels: {} };
      // In the family's label order: prom-client prints a series' labels in the order of its labels object.
      const labels = Object.fromEntries(
        labelled.labels.map(([name, label]) => [label, dims.find((d) => d.Name === name)?.Value ?? '']),
      );
      const names = labelled.labels.map(([, label]) => label);
      return { namespace, family: this.#family(labelled.prefix, names, namespace, metricName, unit), labels };
    }
    const d = dims[0];
    const scope = d ? SCOPES[d.Name] : undefined;
    const prefix = NAMESPACE_PREFIXES[namespace] ?? (d ? scope?.prefix : undefined);
    if (prefix === undefined || (d && !scope)) return { namespace, family: undefined, labels: {} };
    return {
      namespace,
      family: this.#family(prefix, scope ? [scope.label] : [], namespace, metricName, unit),
      labels: d && scope ? { [scope.label]: d.Value } : {},
    };
  }

  #family(
    prefix: string,
    labels: readonly string[],
    namespace: string,
    metricName: string,
    unit: string,
  ): Family {
    const suffix = unit === 'Milliseconds' && !metricName.endsWith('Milliseconds') ? '_ms' : '';
    const base = prefix + snake(metricName) + suffix;
    let f = this.#families.get(base);
    if (!f) {
      const help = HELP[metricName] ?? `${namespace} ${metricName} (${unit})`;
      const common = { help, labelNames: [...labels], registers: [this.#registry] };
      if (HISTOGRAMS.has(metricName))
        f = {
          kind: 'histogram',
          labels,
          m: new Histogram({ name: base, buckets: MS_BUCKETS, ...common }),
        };
      else if (GAUGES.has(metricName)) f = { kind: 'gauge', labels, m: new Gauge({ name: base, ...common }) };
      else f = { kind: 'counter', labels, m: new Counter({ name: `${base}_total`, ...common }) };
      this.#families.set(base, f);
    }
    let inNamespace = this.#byNamespace.get(namespace);
    if (!inNamespace) this.#byNamespace.set(namespace, (inNamespace = new Set()));
    inNamespace.add(f);
    return f;
  }
}
