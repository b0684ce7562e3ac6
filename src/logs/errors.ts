import { AwsError, type ValidationIssue } from '../server/errors.js';
import type { Dialect } from '../server/validate.js';
import { awsJsonDialectAs, renderIssueValue, validationMessage } from '../server/validation-dialects.js';

/**
 * CloudWatch Logs errors (AWS JSON 1.1, `__type` is the shape name). Texts are AWS's: the CloudWatch Logs API
 * Reference's error lists and what the service answers (`The specified log group does not exist.`).
 */
const make =
  (type: string, status = 400) =>
  (message: string): AwsError =>
    new AwsError(type, message, status);

export const InvalidParameter = make('InvalidParameterException');
export const ResourceNotFound = make('ResourceNotFoundException');
export const ResourceAlreadyExists = make('ResourceAlreadyExistsException');
export const LimitExceeded = make('LimitExceededException');

export const logGroupNotFound = (): AwsError => ResourceNotFound('The specified log group does not exist.');
export const logStreamNotFound = (): AwsError => ResourceNotFound('The specified log stream does not exist.');
export const logGroupExists = (): AwsError => ResourceAlreadyExists('The specified log group already exists');
export const logStreamExists = (): AwsError =>
  ResourceAlreadyExists('The specified log stream already exists');
export const invalidNextToken = (): AwsError => InvalidParameter('The specified nextToken is invalid.');

/**
 * How Logs reads input and words its failures: the AWS JSON family's, except that constraint failures are an
 * InvalidParameterException ("1 validation error detected: Value '[]' at 'logEvents' failed to satisfy
 * constraint: Member must have length greater than or equal to 1").
 */
export const LOGS_DIALECT: Dialect = awsJsonDialectAs((issues: ValidationIssue[]) =>
  InvalidParameter(validationMessage(issues, renderIssueValue)),
);
