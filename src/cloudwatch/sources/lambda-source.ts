import { dimensionCache, dims, type Dimension } from '../dimensions.js';
import { LAMBDA_NAMESPACE, type MetricRecorder } from '../metric-recorder.js';

/** The Lambda component's events this needs (a subset of LambdaEvents, typed structurally). */
export interface InvokeEvents {
  invokeStart: [{ functionName: string }];
  invokeEnd: [{ functionName: string; status: string; durationMs: number }];
  throttled: [{ functionName: string }];
}

export interface InvokeEventSource {
  on(event: 'invokeStart', listener: (e: InvokeEvents['invokeStart'][0]) => void): unknown;
  on(event: 'invokeEnd', listener: (e: InvokeEvents['invokeEnd'][0]) => void): unknown;
  on(event: 'throttled', listener: (e: InvokeEvents['throttled'][0]) => void): unknown;
}

/**
 * Per-function AWS/Lambda metrics from every invoke (Invoke API, Event queue, mappings, SNS), under
 * {FunctionName} and the all-functions aggregate {} as AWS publishes them: Invocations, Errors (any
 * non-success outcome: function error, timeout, crash, init error), Throttles, Duration,
 * ConcurrentExecutions (sampled as each invocation starts: Maximum is the meaningful statistic).
 */
export function recordLambdaMetrics(source: InvokeEventSource, rec: MetricRecorder): void {
  let total = 0;
  const aggregate: Dimension[][] = [[]];
  const functionSets = dimensionCache((functionName): { one: Dimension[][]; both: Dimension[][] } => {
    const byName = dims({ FunctionName: functionName });
    return { one: [byName], both: [byName, aggregate[0]!] };
  });
  const dimensionSets = (functionName: string): { one: Dimension[][]; both: Dimension[][] } =>
    functionSets.get(functionName);
  const sets = (functionName: string): Dimension[][] => dimensionSets(functionName).both;
  source.on('invokeStart', (e) => {
    const t = rec.functionTotals(e.functionName);
    t.concurrent++;
    total++;
    t.maxConcurrent = Math.max(t.maxConcurrent, t.concurrent);
    rec.put(LAMBDA_NAMESPACE, 'ConcurrentExecutions', dimensionSets(e.functionName).one, t.concurrent);
    rec.put(LAMBDA_NAMESPACE, 'ConcurrentExecutions', aggregate, total);
  });
  source.on('invokeEnd', (e) => {
    const t = rec.functionTotals(e.functionName);
    t.concurrent = Math.max(0, t.concurrent - 1);
    total = Math.max(0, total - 1);
    t.invocations++;
    t.durationMsTotal += e.durationMs;
    t.maxDurationMs = Math.max(t.maxDurationMs, e.durationMs);
    const failed = e.status !== 'success';
    if (failed) t.errors++;
    rec.put(LAMBDA_NAMESPACE, 'Invocations', sets(e.functionName), 1);
    rec.put(LAMBDA_NAMESPACE, 'Errors', sets(e.functionName), failed ? 1 : 0);
    rec.put(LAMBDA_NAMESPACE, 'Duration', sets(e.functionName), e.durationMs);
  });
  source.on('throttled', (e) => {
    rec.functionTotals(e.functionName).throttles++;
    rec.put(LAMBDA_NAMESPACE, 'Throttles', sets(e.functionName), 1);
  });
}
