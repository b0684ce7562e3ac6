import { InvalidArgument } from '../server/errors.js';
import { Validator } from '../server/validator.js';
import { streamTarget, type KinesisContext } from './kinesis-context.js';

/** Retention bounds in hours: 24 hours (the default) to 365 days. */
export const MIN_RETENTION_HOURS = 24;
export const MAX_RETENTION_HOURS = 8760;

/**
 * Increase/DecreaseStreamRetentionPeriod share everything but the direction: the bounds, then the
 * direction check against the current period (an equal period is accepted and changes nothing).
 */
export async function changeRetention(
  k: KinesisContext,
  input: Record<string, unknown>,
  direction: 'increase' | 'decrease',
): Promise<unknown> {
  const v = new Validator(input);
  const target = streamTarget(v, k);
  const hours = v.integer('RetentionPeriodHours', { required: true });
  v.check();
  const name = target();
  const meta = k.streams.getVisible(name);
  const h = hours!;
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
  await k.streams.update(name, (m) => (m.retentionHours = h));
  return {};
}
