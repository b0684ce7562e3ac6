import { AwsError } from '../server/errors.js';
import type { Dialect } from '../server/validate.js';
import { queryCompatibleDialect } from '../server/validation-dialects.js';

/**
 * CloudWatch errors. CloudWatch is awsQueryCompatible: JSON and CBOR answers name the shape
 * (`com.amazonaws.cloudwatch#InvalidParameterValueException`) and carry the query protocol's code
 * (`InvalidParameterValue`) in `x-amzn-query-error`; query answers put that code in `<Code>`.
 */
const NAMESPACE = 'com.amazonaws.cloudwatch';

const make =
  (shape: string, code: string, status = 400) =>
  (message: string): AwsError =>
    new AwsError(shape, message, status, {}, { code, namespace: NAMESPACE });

export const InvalidParameterValue = make('InvalidParameterValueException', 'InvalidParameterValue');
export const MissingParameter = make('MissingRequiredParameterException', 'MissingParameter');
export const InvalidParameterCombination = make(
  'InvalidParameterCombinationException',
  'InvalidParameterCombination',
);
export const InvalidNextToken = make('InvalidNextToken', 'InvalidNextToken');
/** Model constraint failures (lengths, enums): CloudWatch answers `ValidationError`. */
export const ValidationError = make('ValidationError', 'ValidationError');

/** How CloudWatch inputs are read and their failures worded (the same in JSON, CBOR and the query protocol). */
export const CLOUDWATCH_DIALECT: Dialect = queryCompatibleDialect({
  missing: MissingParameter,
  validation: ValidationError,
});
