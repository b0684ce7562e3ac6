import { InvalidArgument } from '../server/errors.js';
import { integer, required, structure, type Infer } from '../server/shapes.js';
import { STREAM_TARGET, streamName, type KinesisContext } from './kinesis-context.js';

/** Retention bounds in hours: 24 hours (the default) to 365 days. */
export const MIN_RETENTION_HOURS = 24;
export const MAX_RETENTION_HOURS = 8760;

/** Increase/DecreaseStreamRetentionPeriod's input. */
export const RETENTION_INPUT = structure({ RetentionPeriodHours: required(integer()), ...STREAM_TARGET });

/**
 * Increase/DecreaseStreamRetentionPeriod share everything but the direction: the bounds, then the
 * direction check against the current period (an equal period is accepted and changes nothing).
 */
export async function changeRetention(
  k: KinesisContext,
  input: Infer<typeof RETENTION_INPUT>,
  direction: 'increase' | 'decrease',
): Promise<void> {
  const name = streamName(k, input);
  const meta = k.streams.getVisible(name);
  const h = input.RetentionPeriodHours;
  if (h < MIN_RETENTION_HOURS) {
    throw InvalidArgument(
      `Minimum allowed retention period is ${MIN_RETENTION_HOURS} hours. Requested retention period (${h} hours) is too short.`,
    );
  }
  if (h > MAX_RETENTION_HOURS) {
    throw InvalidArgument(
      `Maximum allowed retention period is ${MAX_RETENTION_HOURS} hours. Requested retention period (${h} hours) is too long.`,
    );
  }
  const current = meta.retentionHours;
  if (direction === 'increase' && h < current) {
    throw InvalidArgument(
      `Requested retention period (${h} hours) for stream ${name} can not be shorter than existing retention period (${current} hours). Use DecreaseRetentionPeriod API.`,
    );
  }
  if (direction === 'decrease' && h > current) {
    throw InvalidArgument(
      `Requested retention period (${h} hours) for stream ${name} can not be longer than existing retention period (${current} hours). Use IncreaseRetentionPeriod API.`,
    );
  }
  await k.streams.update(name, (m) => {
    m.retentionHours = h;
  });
}
