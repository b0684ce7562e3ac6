import { integer, list, map, string } from '../../server/shapes.js';
import { InvalidParameter } from '../errors.js';

/** Shapes of the CloudWatch Logs API Reference. */
export const LOG_GROUP_NAME = string({ min: 1, max: 512, pattern: /[.\-_/#A-Za-z0-9]+/ });
export const LOG_STREAM_NAME = string({ min: 1, max: 512, pattern: /[^:*]*/ });
export const LOG_GROUP_IDENTIFIER = string({ min: 1, max: 2048, pattern: /[\w#+=/:,.@-]*/ });
export const NEXT_TOKEN = string({ min: 1 });
/** Tags (API Reference: keys 1-128, values 0-256 characters of letters, spaces, digits and `_.:/=+-@`; 50 at most). */
export const TAG_KEY = string({ min: 1, max: 128, pattern: /[\p{L}\p{Z}\p{N}_.:/=+\-@]+/u });
export const TAGS = map(string({ max: 256, pattern: /[\p{L}\p{Z}\p{N}_.:/=+\-@]*/u }), {
  key: TAG_KEY,
  min: 1,
  max: 50,
});
export const TAG_KEYS = list(TAG_KEY, { min: 1, max: 50 });

/** A log group's ARN (`arn:aws:logs:<region>:<account>:log-group:<name>`, TagResource's) as its name. */
export function groupOfArn(arn: string): string {
  const m = /^arn:[^:]+:logs:[^:]*:[^:]*:log-group:([^:]+)$/.exec(arn);
  if (!m) throw InvalidParameter(`Invalid resource ARN: ${arn}`);
  return m[1]!;
}

/** GetLogEvents and FilterLogEvents answer at most 1 MB of events (AWS API Reference). */
export const MAX_RESPONSE_BYTES = 1_048_576;

/** Epoch milliseconds (a `long` in the model, not a timestamp). */
export const EPOCH_MS = integer({ min: 0 });

/**
 * The group a request names: `logGroupName`, or `logGroupIdentifier` (a name or an ARN, with or without the
 * trailing `:*`); exactly one of them.
 */
export function groupNameOf(input: { logGroupName?: string; logGroupIdentifier?: string }): string {
  const { logGroupName: name, logGroupIdentifier: id } = input;
  if (name !== undefined && id !== undefined)
    throw InvalidParameter('LogGroup name and LogGroup ARN are mutually exclusive parameters.');
  if (name !== undefined) return name;
  if (id === undefined) throw InvalidParameter('Should provide either name or ARN of the log group.');
  if (!id.startsWith('arn:')) return id;
  const m = /^arn:[^:]+:logs:[^:]*:[^:]*:log-group:([^:]+)(:\*)?$/.exec(id);
  if (!m) throw InvalidParameter(`Invalid log group ARN: ${id}`);
  return m[1]!;
}
