import { AwsError } from '../server/errors.js';
import type { Dialect } from '../server/validate.js';
import { snsDialect } from '../server/validation-dialects.js';

/** SNS speaks only the query protocol: the error code is the `<Code>` clients see. */
export const notFound = (message: string): AwsError => new AwsError('NotFound', message, 404);
export const invalidParameter = (message: string): AwsError =>
  new AwsError('InvalidParameter', `Invalid parameter: ${message}`, 400);
/** The model's InvalidParameterValueException (message attributes). */
export const parameterValueInvalid = (message: string): AwsError =>
  new AwsError('ParameterValueInvalid', message, 400);
export const snsBatchError = (
  code:
    'EmptyBatchRequest' | 'TooManyEntriesInBatchRequest' | 'BatchEntryIdsNotDistinct' | 'InvalidBatchEntryId',
  message: string,
): AwsError => new AwsError(code, message, 400);

/** How SNS words inputs that fail their shape (the query protocol's text needs no reading). */
export const SNS_DIALECT: Dialect = snsDialect(invalidParameter);
