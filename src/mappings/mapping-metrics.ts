import { Counter, Gauge, type Registry } from 'prom-client';
import type { Mappings } from './mappings.js';

/** Per-mapping counters and gauges, fed by the engine's events (AWS/Lambda metric names in help text). */
export interface MappingTotals {
  batches: number;
  records: number;
  invocations: number;
  errors: number;
  throttles: number;
  /** Age of the last record of the most recent batch, ms (IteratorAge). */
  iteratorAgeMs: number;
  /** Highest IteratorAge seen. */
  maxIteratorAgeMs: number;
  discarded: number;
  destinationDeliveryFailures: number;
  filtered: number;
  polled: number;
  /** Engine bugs (logged with their stack) and watchdog restarts of a stalled shard. */
  bugs: number;
  stalls: number;
}

/** Exposes the engine's events as Prometheus metrics and keeps totals for `tributary status`. */
export class MappingMetrics {
  readonly totals = new Map<string, MappingTotals>();

  constructor(mappings: Mappings, registry: Registry) {
    const labelNames = ['uuid', 'function', 'stream'] as const;
    const counter = (name: string, help: string, extraLabels: string[] = []): Counter<string> =>
      new Counter({ name, help, labelNames: [...labelNames, ...extraLabels], registers: [registry] });
    // Both gauges are read from the engine when scraped: a stalled mapping shows a rising age and a growing
    // backlog even though no batch completes (AWS emits IteratorAge only per batch, which hides a stall).
    const iteratorAge: Gauge<string> = new Gauge({
      name: 'tributary_mapping_iterator_age_ms',
      help: 'IteratorAge: age of the oldest record not yet processed (of the last batch when caught up)',
      labelNames,
      registers: [registry],
      collect: () => {
        for (const m of mappings.list()) {
          const lag = mappings.lag(m.UUID);
          const behind = lag.some((l) => l.recordsBehind > 0);
          const age = behind
            ? Math.max(...lag.map((l) => l.iteratorAgeMs))
            : (this.totals.get(m.UUID)?.iteratorAgeMs ?? 0);
          iteratorAge.set(labels(m.UUID), age);
        }
      },
    });
    const recordsBehind: Gauge<string> = new Gauge({
      name: 'tributary_mapping_records_behind',
      help: 'Records of the stream not yet processed by the mapping, from its checkpoints to the shard tips',
      labelNames,
      registers: [registry],
      collect: () => {
        for (const m of mappings.list())
          recordsBehind.set(
            labels(m.UUID),
            mappings.lag(m.UUID).reduce((a, l) => a + l.recordsBehind, 0),
          );
      },
    });
    const bugs = counter(
      'tributary_mapping_engine_bugs_total',
      'Bugs in the mapping engine (logged with their stack)',
    );
    const stalls = counter(
      'tributary_mapping_stalls_total',
      'Shards the watchdog found with records pending and nothing under way (their readers were restarted)',
    );
    const batches = counter('tributary_mapping_batches_total', 'Batches that completed successfully');
    const records = counter('tributary_mapping_records_total', 'Records delivered in successful batches');
    const invocations = counter(
      'tributary_mapping_invocations_total',
      'Invocations of the function (successful or not)',
    );
    const errors = counter(
      'tributary_mapping_errors_total',
      'Invocations that returned a function error or a failed batch',
    );
    const throttles = counter(
      'tributary_mapping_throttles_total',
      'Invocations throttled or refused by the service (not counted as retries)',
    );
    const discarded = counter(
      'tributary_mapping_discarded_records_total',
      'Records discarded after retries or record age ran out',
      ['condition'],
    );
    const deliveryFailures = counter(
      'tributary_mapping_destination_delivery_failures_total',
      'DestinationDeliveryFailures: failure records that could not be delivered',
    );
    const filtered = counter(
      'tributary_mapping_filtered_records_total',
      'FilteredOutEventCount: records dropped by FilterCriteria',
    );
    const polled = counter(
      'tributary_mapping_polled_records_total',
      'PolledEventCount: records read from the stream',
    );

    type Labels = Record<(typeof labelNames)[number], string>;
    // Labels are asked for on every batch: kept per mapping while its function and stream stay the same
    // (prom-client keeps the labels object of a new series, so a cached object is never changed).
    const labelCache = new Map<string, { functionArn?: string; streamArn?: string; labels: Labels }>();
    const labels = (uuid: string): Labels => {
      // Events arrive per batch: an O(1) lookup, not a scan of every mapping.
      const m = mappings.find(uuid);
      const cached = labelCache.get(uuid);
      if (cached && cached.functionArn === m?.FunctionArn && cached.streamArn === m?.EventSourceArn)
        return cached.labels;
      const l = {
        uuid,
        function: m?.FunctionArn.split(':').pop() ?? '',
        stream: m?.EventSourceArn.split('/')[1] ?? '',
      };
      if (labelCache.size >= 10_000) labelCache.clear();
      labelCache.set(uuid, { functionArn: m?.FunctionArn, streamArn: m?.EventSourceArn, labels: l });
      return l;
    };
    const t = (uuid: string): MappingTotals => {
      let v = this.totals.get(uuid);
      if (!v) {
        v = {
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
        };
        this.totals.set(uuid, v);
      }
      return v;
    };

    mappings.on('batch', (e) => {
      const l = labels(e.uuid);
      const tot = t(e.uuid);
      if (e.outcome === 'throttled' || e.outcome === 'error') {
        throttles.inc(l);
        tot.throttles++;
        return;
      }
      invocations.inc(l);
      tot.invocations++;
      if (e.outcome === 'success') {
        batches.inc(l);
        records.inc(l, e.records);
        tot.batches++;
        tot.records += e.records;
        tot.iteratorAgeMs = e.iteratorAgeMs;
        tot.maxIteratorAgeMs = Math.max(tot.maxIteratorAgeMs, e.iteratorAgeMs);
      } else {
        errors.inc(l);
        tot.errors++;
      }
    });
    mappings.on('discard', (e) => {
      const l = labels(e.uuid);
      discarded.inc({ ...l, condition: e.condition }, e.records);
      t(e.uuid).discarded += e.records;
      if (e.destination && !e.delivered) {
        deliveryFailures.inc(l);
        t(e.uuid).destinationDeliveryFailures++;
      }
    });
    mappings.on('filtered', (e) => {
      filtered.inc(labels(e.uuid), e.records);
      t(e.uuid).filtered += e.records;
    });
    mappings.on('lag', (e) => {
      const tot = t(e.uuid);
      tot.maxIteratorAgeMs = Math.max(tot.maxIteratorAgeMs, e.iteratorAgeMs);
    });
    mappings.on('bug', (e) => {
      bugs.inc(labels(e.uuid));
      t(e.uuid).bugs++;
    });
    mappings.on('stall', (e) => {
      stalls.inc(labels(e.uuid));
      t(e.uuid).stalls++;
    });
    mappings.on('polled', (e) => {
      polled.inc(labels(e.uuid), e.records);
      t(e.uuid).polled += e.records;
    });
  }
}
