import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { Dimension } from './dimensions.js';

/** Prometheus families by the one dimension a series is scoped by (the all-functions aggregate is not exported). */
const SCOPES: Record<string, { prefix: string; label: string }> = {
  FunctionName: { prefix: 'tributary_function_', label: 'function_name' },
  EventSourceMappingUUID: { prefix: 'tributary_event_source_mapping_', label: 'uuid' },
  StreamName: { prefix: 'tributary_stream_', label: 'stream_name' },
};

/** Metrics whose latest value is what matters (a gauge), not a running total. */
const GAUGES = new Set([
  'IteratorAge',
  'ConcurrentExecutions',
  'GetRecords.IteratorAgeMilliseconds',
  'RecordsBehind',
  'OldestPendingRecordAge',
]);
/** Metrics exported as histograms (ms). */
const HISTOGRAMS = new Set(['Duration']);
const DURATION_BUCKETS = [
  1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 300000, 900000,
];

type Family =
  | { kind: 'counter'; m: Counter<string> }
  | { kind: 'gauge'; m: Gauge<string> }
  | { kind: 'histogram'; m: Histogram<string> };

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
 * `tributary_event_source_mapping_iterator_age_ms{uuid}` (gauge).
 */
export class PrometheusBridge {
  readonly #registry: Registry;
  readonly #families = new Map<string, Family>();
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
    if (dims.length !== 1) return;
    let byName = this.#targets.get(dims);
    if (!byName) this.#targets.set(dims, (byName = new Map()));
    let target = byName.get(metricName);
    if (target === undefined || target.namespace !== namespace) {
      const scope = SCOPES[dims[0]!.Name];
      target = scope
        ? {
            namespace,
            family: this.#family(scope, namespace, metricName, unit),
            labels: { [scope.label]: dims[0]!.Value },
          }
        : { namespace, family: undefined, labels: {} };
      byName.set(metricName, target);
    }
    const { family, labels } = target;
    if (!family) return;
    if (family.kind === 'counter') family.m.inc(labels, value);
    else if (family.kind === 'gauge') family.m.set(labels, value);
    else family.m.observe(labels, value);
  }

  #family(
    scope: { prefix: string; label: string },
    namespace: string,
    metricName: string,
    unit: string,
  ): Family {
    const suffix = unit === 'Milliseconds' && !metricName.endsWith('Milliseconds') ? '_ms' : '';
    const base = scope.prefix + snake(metricName) + suffix;
    let f = this.#families.get(base);
    if (f) return f;
    const help = `${namespace} ${metricName} (${unit})`;
    const common = { help, labelNames: [scope.label], registers: [this.#registry] };
    if (HISTOGRAMS.has(metricName))
      f = { kind: 'histogram', m: new Histogram({ name: base, buckets: DURATION_BUCKETS, ...common }) };
    else if (GAUGES.has(metricName)) f = { kind: 'gauge', m: new Gauge({ name: base, ...common }) };
    else f = { kind: 'counter', m: new Counter({ name: `${base}_total`, ...common }) };
    this.#families.set(base, f);
    return f;
  }
}
