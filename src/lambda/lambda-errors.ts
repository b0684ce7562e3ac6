import { AwsError } from '../server/errors.js';

/**
 * Lambda's error types with the HTTP statuses of the Lambda service model (they differ from Kinesis':
 * ResourceNotFoundException is 404 here). Serialised with protocol `rest-json`.
 */
export const ResourceNotFound = (message: string): AwsError =>
  new AwsError('ResourceNotFoundException', message, 404);
export const ResourceConflict = (message: string): AwsError =>
  new AwsError('ResourceConflictException', message, 409);
export const InvalidParameterValue = (message: string): AwsError =>
  new AwsError('InvalidParameterValueException', message, 400);
export const InvalidRequestContent = (message: string): AwsError =>
  new AwsError('InvalidRequestContentException', message, 400);
export const RequestEntityTooLarge = (message: string): AwsError =>
  new AwsError('RequestEntityTooLargeException', message, 413);
export const PreconditionFailed = (message: string): AwsError =>
  new AwsError('PreconditionFailedException', message, 412);
export const ServiceError = (message: string): AwsError => new AwsError('ServiceException', message, 500);

/** Why an invoke was throttled (TooManyRequestsException's `Reason`). */
export type ThrottleReason =
  'ReservedFunctionConcurrentInvocationLimitExceeded' | 'ConcurrentInvocationLimitExceeded';

export const TooManyRequests = (reason: ThrottleReason): AwsError =>
  new AwsError('TooManyRequestsException', 'Rate Exceeded.', 429, { Reason: reason });

export function functionNotFound(arn: string): AwsError {
  return ResourceNotFound(`Function not found: ${arn}`);
}

/** A RevisionId precondition that does not hold (AWS's message names both APIs that return one). */
export function checkRevision(expected: string | undefined, actual: string): void {
  if (expected !== undefined && expected !== actual) {
    throw PreconditionFailed(
      'The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id',
    );
  }
}
