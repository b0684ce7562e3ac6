import type { MappingEvents } from '../../mappings/engine/events.js';
import type { MappingMeta } from '../../mappings/model.js';
import { dimensionCache, dims, type Dimension } from '../dimensions.js';
import { LAMBDA_NAMESPACE, TRIBUTARY_MAPPINGS_NAMESPACE, type MetricRecorder } from '../metric-recorder.js';

/** What this needs of the Mappings component. */
export interface MappingEventSource {
  on<K extends keyof MappingEvents>(event: K, listener: (...args: MappingEvents[K]) => void): unknown;
  /** The mapping with this UUID, if it exists (asked for every batch). */
  find(uuid: string): MappingMeta | undefined;
}

/**
 * The one consumer of the mapping engine's events for metrics: the per-mapping totals `tributary status` shows,
 * and these metrics (which `/metrics` mirrors), all through the one recorder:
 * - under {FunctionName} and {EventSourceMappingUUID}: IteratorAge (the age of the oldest record of the shard
 *   still to process when a batch finished, or of the batch's last record when caught up; batches with records
 *   only) and DestinationDeliveryFailures;
 * - under {EventSourceMappingUUID}: Invocations, Errors, Throttles and Duration of the mapping's invokes;
 * - under {EventSourceMappingUUID}, only with MetricsConfig {Metrics:["EventCount"]}: PolledEventCount,
 *   FilteredOutEventCount, InvokedEventCount (records in every invoke attempt), FailedInvokeEventCount
 *   (records in failed, throttled or refused attempts), DroppedEventCount (discarded records),
 *   OnFailureDestinationDeliveredEventCount (discarded records delivered to the destination);
 * - Tributary/EventSourceMappings under {EventSourceMappingUUID}: RecordsProcessed, RecordsDiscarded,
 *   RecordsBehind and OldestPendingRecordAge (sampled while behind), Stalls and EngineBugs.
 */
export function recordMappingMetrics(mappings: MappingEventSource, rec: MetricRecorder): void {
  const info = (uuid: string): { functionName: string | undefined; eventCount: boolean } => {
    const m = mappings.find(uuid);
    return {
      functionName: m?.FunctionArn.split(':')[6],
      eventCount: m?.MetricsConfig?.Metrics.includes('EventCount') === true,
    };
  };
  const mappingSets = dimensionCache((uuid) => ({
    mapping: [dims({ EventSourceMappingUUID: uuid })],
    both: new Map<string, Dimension[][]>(),
  }));
  const setsOf = (uuid: string) => mappingSets.get(uuid);
  const byMapping = (uuid: string): Dimension[][] => setsOf(uuid).mapping;
  const byBoth = (uuid: string, functionName: string | undefined): Dimension[][] => {
    if (!functionName) return byMapping(uuid);
    const c = setsOf(uuid);
    let sets = c.both.get(functionName);
    if (!sets) c.both.set(functionName, (sets = [dims({ FunctionName: functionName }), c.mapping[0]!]));
    return sets;
  };

  mappings.on('batch', (e) => {
    const { functionName, eventCount } = info(e.uuid);
    const reached = e.outcome === 'success' || e.outcome === 'failure';
    const t = rec.mappingTotals(e.uuid);
    if (reached) t.invocations++;
    if (e.outcome === 'failure') t.errors++;
    else if (!reached) t.throttles++;
    else {
      t.batches++;
      t.records += e.records;
      t.iteratorAgeMs = e.iteratorAgeMs;
      t.maxIteratorAgeMs = Math.max(t.maxIteratorAgeMs, e.iteratorAgeMs);
      if (e.records > 0)
        rec.put(TRIBUTARY_MAPPINGS_NAMESPACE, 'RecordsProcessed', byMapping(e.uuid), e.records);
    }
    if (reached) {
      rec.put(LAMBDA_NAMESPACE, 'Invocations', byMapping(e.uuid), 1);
      rec.put(LAMBDA_NAMESPACE, 'Errors', byMapping(e.uuid), e.outcome === 'failure' ? 1 : 0);
      rec.put(LAMBDA_NAMESPACE, 'Duration', byMapping(e.uuid), e.durationMs);
      // A tumbling window's final invoke carries no records, so it says nothing about the iterator.
      if (e.records > 0)
        rec.put(LAMBDA_NAMESPACE, 'IteratorAge', byBoth(e.uuid, functionName), e.iteratorAgeMs);
    } else if (e.outcome === 'throttled') {
      rec.put(LAMBDA_NAMESPACE, 'Throttles', byMapping(e.uuid), 1);
    }
    if (eventCount && e.records > 0) {
      rec.put(LAMBDA_NAMESPACE, 'InvokedEventCount', byMapping(e.uuid), e.records);
      if (e.outcome !== 'success')
        rec.put(LAMBDA_NAMESPACE, 'FailedInvokeEventCount', byMapping(e.uuid), e.records);
    }
  });
  mappings.on('discard', (e) => {
    const { functionName, eventCount } = info(e.uuid);
    const t = rec.mappingTotals(e.uuid);
    t.discarded += e.records;
    rec.put(TRIBUTARY_MAPPINGS_NAMESPACE, 'RecordsDiscarded', byMapping(e.uuid), e.records);
    if (e.destination !== undefined && !e.delivered) {
      t.destinationDeliveryFailures++;
      rec.put(LAMBDA_NAMESPACE, 'DestinationDeliveryFailures', byBoth(e.uuid, functionName), 1);
    }
    if (!eventCount) return;
    rec.put(LAMBDA_NAMESPACE, 'DroppedEventCount', byMapping(e.uuid), e.records);
    if (e.destination !== undefined && e.delivered) {
      rec.put(LAMBDA_NAMESPACE, 'OnFailureDestinationDeliveredEventCount', byMapping(e.uuid), e.records);
    }
  });
  // Sampled while a mapping is behind: the backlog and the age of its oldest record, which rise while it is
  // slow or stuck even when no batch completes (AWS's IteratorAge is emitted per batch only, hiding a stall).
  mappings.on('lag', (e) => {
    const t = rec.mappingTotals(e.uuid);
    t.maxIteratorAgeMs = Math.max(t.maxIteratorAgeMs, e.iteratorAgeMs);
    rec.put(TRIBUTARY_MAPPINGS_NAMESPACE, 'RecordsBehind', byMapping(e.uuid), e.recordsBehind);
    rec.put(TRIBUTARY_MAPPINGS_NAMESPACE, 'OldestPendingRecordAge', byMapping(e.uuid), e.iteratorAgeMs);
  });
  mappings.on('bug', (e) => {
    rec.mappingTotals(e.uuid).bugs++;
    rec.put(TRIBUTARY_MAPPINGS_NAMESPACE, 'EngineBugs', byMapping(e.uuid), 1);
  });
  mappings.on('stall', (e) => {
    rec.mappingTotals(e.uuid).stalls++;
    rec.put(TRIBUTARY_MAPPINGS_NAMESPACE, 'Stalls', byMapping(e.uuid), 1);
  });
  mappings.on('polled', (e) => {
    rec.mappingTotals(e.uuid).polled += e.records;
    if (info(e.uuid).eventCount) rec.put(LAMBDA_NAMESPACE, 'PolledEventCount', byMapping(e.uuid), e.records);
  });
  mappings.on('filtered', (e) => {
    rec.mappingTotals(e.uuid).filtered += e.records;
    if (info(e.uuid).eventCount)
      rec.put(LAMBDA_NAMESPACE, 'FilteredOutEventCount', byMapping(e.uuid), e.records);
  });
}
