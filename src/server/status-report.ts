import type { Kinesis } from '../kinesis/kinesis.js';
import type { MappingMetrics } from '../mappings/mapping-metrics.js';
import type { Mappings } from '../mappings/mappings.js';

/** What `tributary status` shows: streams, mappings and their metrics. */
export function statusReport(parts: { kinesis: Kinesis; mappings: Mappings; mappingMetrics: MappingMetrics }): unknown {
  return {
    streams: parts.kinesis.streams.list().map((s) => ({
      name: s.name,
      status: s.status,
      openShards: s.shards.filter((x) => x.endPosition === undefined).length,
      retentionHours: s.retentionHours,
    })),
    mappings: parts.mappings.list().map((m) => ({
      uuid: m.UUID,
      functionArn: m.FunctionArn,
      eventSourceArn: m.EventSourceArn,
      state: m.State,
      lastProcessingResult: m.LastProcessingResult,
      metrics: parts.mappingMetrics.totals.get(m.UUID) ?? null,
    })),
  };
}
