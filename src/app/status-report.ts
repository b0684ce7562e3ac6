import type { CloudWatch } from '../cloudwatch/cloudwatch.js';
import type { MappingTotals, WorkerTotals } from '../cloudwatch/metric-recorder.js';
import type { Kinesis } from '../kinesis/kinesis.js';
import type { Lambda } from '../lambda/lambda.js';
import type { Mappings } from '../mappings/mappings.js';

/** What GET /_tributary/status answers and `tributary status` prints. Totals count since the server started. */
export interface StatusReport {
  /** Epoch ms when the report was made. */
  generatedAt: number;
  streams: Array<{
    name: string;
    status: string;
    openShards: number;
    retentionHours: number;
    incomingRecords: number;
    incomingBytes: number;
    /** Records read by GetRecords and by event source mappings. */
    getRecordsRecords: number;
  }>;
  mappings: Array<{
    uuid: string;
    functionArn: string;
    eventSourceArn: string;
    state: string;
    lastProcessingResult: string;
    metrics: MappingTotals | null;
    /** Records not yet processed (checkpoints to shard tips) and the age of the oldest of them, now. */
    recordsBehind: number;
    iteratorAgeMs: number;
  }>;
  functions: Array<{
    name: string;
    state: string;
    runtime: string;
    invocations: number;
    errors: number;
    throttles: number;
    avgDurationMs: number | null;
    maxDurationMs: number | null;
    /** Invocations running now. */
    concurrent: number;
  }>;
  /** The machine limit on worker processes (--max-workers): alive and waiting now, wait timeouts since start. */
  workers?: WorkerTotals;
  /**
   * Requests (or batch entries) that failed with a bug in Tributary and were answered as InternalFailure, since
   * start: CloudWatch's `Tributary/Server` InternalErrors, by service and operation there and on `/metrics`.
   */
  internalErrors?: number;
  /**
   * Where each runtime label runs on this machine: its interpreter and version, and `note` when that is another
   * language version than the label's (the function's StateReason says the same).
   */
  runtimes?: Array<{ runtime: string; command: string | null; version: string | null; note: string | null }>;
}

function lagOf(mappings: Mappings, uuid: string): { recordsBehind: number; iteratorAgeMs: number } {
  const lag = mappings.lag(uuid);
  return {
    recordsBehind: lag.reduce((a, l) => a + l.recordsBehind, 0),
    iteratorAgeMs: lag.reduce((a, l) => Math.max(a, l.recordsBehind > 0 ? l.iteratorAgeMs : 0), 0),
  };
}

/** What `tributary status` shows: streams, mappings, functions and their metrics. */
export function statusReport(parts: {
  kinesis: Kinesis;
  mappings: Mappings;
  lambda: Lambda;
  cloudwatch: CloudWatch;
}): StatusReport {
  const rec = parts.cloudwatch.recorder;
  return {
    generatedAt: Date.now(),
    streams: parts.kinesis.streams.list().map((s) => {
      const t = rec.streams.get(s.name);
      return {
        name: s.name,
        status: s.status,
        openShards: s.shards.filter((x) => x.endPosition === undefined).length,
        retentionHours: s.retentionHours,
        incomingRecords: t?.incomingRecords ?? 0,
        incomingBytes: t?.incomingBytes ?? 0,
        getRecordsRecords: t?.getRecordsRecords ?? 0,
      };
    }),
    mappings: parts.mappings.list().map((m) => ({
      uuid: m.UUID,
      functionArn: m.FunctionArn,
      eventSourceArn: m.EventSourceArn,
      state: m.State,
      lastProcessingResult: m.LastProcessingResult,
      metrics: rec.mappings.get(m.UUID) ?? null,
      ...lagOf(parts.mappings, m.UUID),
    })),
    functions: parts.lambda.functions.list().map((f) => {
      const t = rec.functions.get(f.name);
      return {
        name: f.name,
        state: f.state,
        runtime: f.runtime,
        invocations: t?.invocations ?? 0,
        errors: t?.errors ?? 0,
        throttles: t?.throttles ?? 0,
        avgDurationMs: t && t.invocations > 0 ? t.durationMsTotal / t.invocations : null,
        maxDurationMs: t && t.invocations > 0 ? t.maxDurationMs : null,
        concurrent: t?.concurrent ?? 0,
      };
    }),
    workers: { ...rec.workers },
    internalErrors: rec.server.internalErrors,
    runtimes: parts.lambda.runtimes.list().map((h) => ({
      runtime: h.runtime,
      command: h.command ?? null,
      version: h.version ?? null,
      note: h.note ?? null,
    })),
  };
}
