import { dimensionCache, dims, type Dimension } from '../dimensions.js';
import { TRIBUTARY_LAMBDA_NAMESPACE, type MetricRecorder } from '../metric-recorder.js';

/** The Lambda component's events this needs (a subset of LambdaEvents, typed structurally). */
export interface WorkerEvents {
  workerWait: [{ functionName: string; waitedMs: number; timedOut: boolean }];
  workers: [{ alive: number; maxWorkers: number; waiting: number }];
  functionDeleted: [{ functionName: string }];
}

export interface WorkerEventSource {
  on(event: 'workerWait', listener: (e: WorkerEvents['workerWait'][0]) => void): unknown;
  on(event: 'workers', listener: (e: WorkerEvents['workers'][0]) => void): unknown;
  on(event: 'functionDeleted', listener: (e: WorkerEvents['functionDeleted'][0]) => void): unknown;
}

/**
 * The machine limit on worker processes (--max-workers), in `Tributary/Lambda` (AWS has no such limit, so no
 * AWS namespace says it): per function WorkerWait (ms each invocation waited for a slot, 0 when one was free)
 * and WorkerWaitTimeouts; machine-wide, without dimensions, Workers (processes alive), MaxWorkers and
 * InvocationsWaitingForWorker. `/metrics` names them `tributary_lambda_*` (prometheus-bridge.ts).
 *
 * The three gauges are recorded when they change (the fleet tells each change after the scheduling pass that
 * made it, and the figures once at start), not sampled at each read: so CloudWatch holds every value they took,
 * each minute's Maximum is the true peak however short, and `/metrics` reads the last one like any gauge. A
 * minute in which nothing changed has no datapoint (as AWS/Lambda ConcurrentExecutions without invocations).
 */
export function recordWorkerMetrics(source: WorkerEventSource, rec: MetricRecorder): void {
  const functionSets = dimensionCache((functionName) => [dims({ FunctionName: functionName })]);
  const byFunction = (functionName: string): Dimension[][] => functionSets.get(functionName);
  const machine: Dimension[][] = [[]];
  source.on('workerWait', (e) => {
    rec.put(TRIBUTARY_LAMBDA_NAMESPACE, 'WorkerWait', byFunction(e.functionName), e.waitedMs);
    if (e.timedOut) {
      rec.workers.waitTimeouts++;
      rec.put(TRIBUTARY_LAMBDA_NAMESPACE, 'WorkerWaitTimeouts', byFunction(e.functionName), 1);
    }
  });
  source.on('workers', (e) => {
    rec.workers.alive = e.alive;
    rec.workers.maxWorkers = e.maxWorkers;
    rec.workers.waiting = e.waiting;
    rec.put(TRIBUTARY_LAMBDA_NAMESPACE, 'Workers', machine, e.alive);
    rec.put(TRIBUTARY_LAMBDA_NAMESPACE, 'MaxWorkers', machine, e.maxWorkers);
    rec.put(TRIBUTARY_LAMBDA_NAMESPACE, 'InvocationsWaitingForWorker', machine, e.waiting);
  });
  source.on('functionDeleted', (e) => {
    const sets = byFunction(e.functionName);
    for (const d of sets) rec.forget(TRIBUTARY_LAMBDA_NAMESPACE, d);
    functionSets.delete(e.functionName);
  });
}
