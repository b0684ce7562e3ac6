import { map, string, unchecked } from '../server/shapes.js';
import { sqsError } from './errors.js';

/** A settable queue attribute: its default (as AWS reports it) and a validity check. */
interface AttributeRule {
  default?: string;
  valid(value: string): boolean;
}

const intIn =
  (min: number, max: number) =>
  (v: string): boolean =>
    /^\d+$/.test(v) && Number(v) >= min && Number(v) <= max;

const json = (v: string): boolean => {
  try {
    return typeof JSON.parse(v) === 'object';
  } catch {
    return false;
  }
};

const bool = (v: string): boolean => v === 'true' || v === 'false';

/** Settable attributes (CreateQueue / SetQueueAttributes) with AWS's ranges and defaults. */
export const SETTABLE: Record<string, AttributeRule> = {
  DelaySeconds: { default: '0', valid: intIn(0, 900) },
  MaximumMessageSize: { default: '1048576', valid: intIn(1024, 1048576) },
  MessageRetentionPeriod: { default: '345600', valid: intIn(60, 1209600) },
  ReceiveMessageWaitTimeSeconds: { default: '0', valid: intIn(0, 20) },
  VisibilityTimeout: { default: '30', valid: intIn(0, 43200) },
  Policy: { valid: (v) => v === '' || json(v) },
  RedrivePolicy: { valid: (v) => v === '' || validRedrivePolicy(v) },
  RedriveAllowPolicy: { valid: (v) => v === '' || json(v) },
  KmsMasterKeyId: { valid: () => true },
  KmsDataKeyReusePeriodSeconds: { valid: intIn(60, 86400) },
  SqsManagedSseEnabled: { default: 'true', valid: bool },
  FifoQueue: { valid: bool },
  ContentBasedDeduplication: { valid: bool },
  DeduplicationScope: { valid: (v) => v === 'messageGroup' || v === 'queue' },
  FifoThroughputLimit: { valid: (v) => v === 'perQueue' || v === 'perMessageGroupId' },
};

/** Attributes computed from the queue's state (GetQueueAttributes only). */
export const COMPUTED = [
  'QueueArn',
  'ApproximateNumberOfMessages',
  'ApproximateNumberOfMessagesNotVisible',
  'ApproximateNumberOfMessagesDelayed',
  'CreatedTimestamp',
  'LastModifiedTimestamp',
] as const;

export interface RedrivePolicy {
  deadLetterTargetArn: string;
  maxReceiveCount: number;
}

function validRedrivePolicy(v: string): boolean {
  return parseRedrivePolicy(v) !== undefined;
}

export function parseRedrivePolicy(v: string | undefined): RedrivePolicy | undefined {
  if (v === undefined || v === '') return undefined;
  try {
    const p = JSON.parse(v) as Record<string, unknown>;
    const max = Number(p.maxReceiveCount);
    if (typeof p.deadLetterTargetArn !== 'string' || !Number.isInteger(max) || max < 1 || max > 1000)
      return undefined;
    return { deadLetterTargetArn: p.deadLetterTargetArn, maxReceiveCount: max };
  } catch {
    return undefined;
  }
}

/**
 * A queue's attributes (`Attribute.N.Name` / `.Value` in the query protocol, `<Attribute>` elements in XML);
 * the values given to CreateQueue/SetQueueAttributes are checked by `checkSettableAttributes`.
 */
export const ATTRIBUTES = map(unchecked(string()), {
  flattened: true,
  name: 'Attribute',
  keyName: 'Name',
  valueName: 'Value',
});

/**
 * Validates attributes given to CreateQueue/SetQueueAttributes. Values are strings on the wire; JSON
 * clients may send numbers for the numeric ones, which we normalise.
 */
export function checkSettableAttributes(input: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, raw] of Object.entries(input)) {
    const rule = Object.hasOwn(SETTABLE, name) ? SETTABLE[name] : undefined;
    if (!rule) throw sqsError('InvalidAttributeName', `Unknown Attribute ${name}.`);
    const value = typeof raw === 'number' || typeof raw === 'boolean' ? String(raw) : raw;
    if (typeof value !== 'string' || !rule.valid(value)) {
      throw sqsError('InvalidAttributeValue', `Invalid value for the parameter ${name}.`);
    }
    out[name] = value;
  }
  return out;
}

/** An attribute's effective value: what was set, else AWS's default. */
export function effective(attributes: Record<string, string>, name: string): string | undefined {
  return attributes[name] ?? SETTABLE[name]?.default;
}

export function effectiveInt(attributes: Record<string, string>, name: string): number {
  return Number(effective(attributes, name) ?? '0');
}
