import { AwsError } from '../server/errors.js';
import type { Dialect } from '../server/validate.js';
import { awsJsonDialectAs, renderIssueValue, validationMessage } from '../server/validation-dialects.js';

/** IAM's errors (query protocol: the code is the `<Code>` clients see), with AWS's statuses. */
export const noSuchEntity = (message: string): AwsError => new AwsError('NoSuchEntity', message, 404);
export const entityExists = (message: string): AwsError => new AwsError('EntityAlreadyExists', message, 409);
export const deleteConflict = (message: string): AwsError => new AwsError('DeleteConflict', message, 409);
export const malformedPolicy = (message: string): AwsError =>
  new AwsError('MalformedPolicyDocument', message, 400);
export const invalidInput = (message: string): AwsError => new AwsError('InvalidInput', message, 400);

/** IAM and STS word shape failures as AWS's JSON services do, under the code ValidationError. */
export const IAM_DIALECT: Dialect = awsJsonDialectAs(
  (issues) => new AwsError('ValidationError', validationMessage(issues, renderIssueValue), 400),
);
