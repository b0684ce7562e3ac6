import { AwsError } from '../../server/errors.js';

/**
 * The one message Lambda gives for every pattern it cannot compile (bad JSON, unknown operator, wrong operand
 * type, ...). AWS does not say which part was wrong, so neither do we.
 */
export const INVALID_PATTERN_MESSAGE = 'Invalid filter pattern definition.';

/** `InvalidParameterValueException` with Lambda's `Type: "User"` member, as Lambda returns it. */
export function invalidFilterPattern(): AwsError {
  return new AwsError('InvalidParameterValueException', INVALID_PATTERN_MESSAGE, 400, { Type: 'User' });
}

/**
 * Thrown inside the pattern compiler; `compileFilterCriteria` turns it into the AWS error. Carries a reason for
 * our own tests and logs only — AWS never shows one.
 */
export class PatternError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'PatternError';
  }
}
