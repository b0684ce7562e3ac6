import { enhancedMonitoringOf } from './enhanced-monitoring.js';
import type { StreamMeta } from './model.js';

/**
 * The fields DescribeStream's StreamDescription and DescribeStreamSummary's StreamDescriptionSummary share, built
 * once so the two cannot drift. `listing` (DescribeStream's Shards and HasMoreShards) goes after the mode, where
 * AWS's DescribeStream places it; each operation adds its own fields after these.
 */
export function streamDescriptionFields(
  meta: StreamMeta,
  listing: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    StreamName: meta.name,
    StreamARN: meta.arn,
    StreamStatus: meta.status,
    StreamModeDetails: { StreamMode: meta.mode },
    ...listing,
    RetentionPeriodHours: meta.retentionHours,
    StreamCreationTimestamp: new Date(meta.createdAt),
    EnhancedMonitoring: enhancedMonitoringOf(meta),
    EncryptionType: meta.encryptionType,
    ...(meta.keyId !== undefined ? { KeyId: meta.keyId } : {}),
  };
}
