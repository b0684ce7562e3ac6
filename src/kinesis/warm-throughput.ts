import type { StreamMeta } from './model.js';

/**
 * DescribeStreamSummary's and UpdateStreamWarmThroughput's WarmThroughput of an ON_DEMAND stream that has one:
 * the target, and the current value, which is the previous one while the stream is UPDATING towards the target.
 */
export function warmThroughputOf(
  meta: StreamMeta,
): { TargetMiBps: number; CurrentMiBps: number } | undefined {
  const w = meta.warmThroughput;
  if (w === undefined || meta.mode !== 'ON_DEMAND') return undefined;
  return {
    TargetMiBps: w.targetMiBps,
    CurrentMiBps: meta.status === 'UPDATING' ? w.previousMiBps : w.targetMiBps,
  };
}
