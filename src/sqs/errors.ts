import { AwsError, echo } from '../server/errors.js';
import type { Dialect } from '../server/validate.js';
import { sqsDialect } from '../server/validation-dialects.js';

/**
 * SQS errors. SQS speaks AWS JSON 1.0 with `awsQueryCompatible`: the JSON `__type` is the model's shape
 * name and the `x-amzn-query-error` header carries the query protocol's code (which SDKs surface as
 * the error code). Codes and statuses are the ones in the SQS service model.
 */
const SHAPES = {
  QueueDoesNotExist: ['AWS.SimpleQueueService.NonExistentQueue', 400],
  QueueNameExists: ['QueueAlreadyExists', 400],
  QueueDeletedRecently: ['AWS.SimpleQueueService.QueueDeletedRecently', 400],
  ReceiptHandleIsInvalid: ['ReceiptHandleIsInvalid', 404],
  InvalidAddress: ['InvalidAddress', 404],
  MessageNotInflight: ['AWS.SimpleQueueService.MessageNotInflight', 400],
  BatchEntryIdsNotDistinct: ['AWS.SimpleQueueService.BatchEntryIdsNotDistinct', 400],
  BatchRequestTooLong: ['AWS.SimpleQueueService.BatchRequestTooLong', 400],
  EmptyBatchRequest: ['AWS.SimpleQueueService.EmptyBatchRequest', 400],
  InvalidBatchEntryId: ['AWS.SimpleQueueService.InvalidBatchEntryId', 400],
  TooManyEntriesInBatchRequest: ['AWS.SimpleQueueService.TooManyEntriesInBatchRequest', 400],
  PurgeQueueInProgress: ['AWS.SimpleQueueService.PurgeQueueInProgress', 403],
  UnsupportedOperation: ['AWS.SimpleQueueService.UnsupportedOperation', 400],
  InvalidAttributeName: ['InvalidAttributeName', 400],
  InvalidAttributeValue: ['InvalidAttributeValue', 400],
  InvalidMessageContents: ['InvalidMessageContents', 400],
  // Common errors that are not modelled shapes: the query code is the familiar one.
  InvalidParameterValueException: ['InvalidParameterValue', 400],
  MissingRequiredParameterException: ['MissingParameter', 400],
} as const satisfies Record<string, readonly [string, number]>;

export type SqsErrorShape = keyof typeof SHAPES;

export function sqsError(shape: SqsErrorShape, message: string): AwsError {
  const [code, status] = SHAPES[shape];
  return new AwsError(shape, message, status, {}, { code, namespace: 'com.amazonaws.sqs' });
}

export const queueDoesNotExist = (): AwsError =>
  sqsError('QueueDoesNotExist', 'The specified queue does not exist.');

export const invalidParameter = (message: string): AwsError =>
  sqsError('InvalidParameterValueException', message);

/** How SQS inputs are read and their failures worded (JSON and the query protocol alike). */
export const SQS_DIALECT: Dialect = sqsDialect({
  missing: (message) => sqsError('MissingRequiredParameterException', message),
  invalid: invalidParameter,
});

/** AWS's wording for an out-of-range numeric parameter. */
export const invalidValue = (name: string, value: unknown, reason: string): AwsError =>
  invalidParameter(`Value ${echo(String(value))} for parameter ${name} is invalid. Reason: ${reason}`);

/** AWS's message for a character outside XML 1.0's set in a message body; `char` as `#x1`. */
export const invalidMessageContents = (char: string): AwsError =>
  sqsError(
    'InvalidMessageContents',
    `Invalid binary character '${char}' was found in the message body, the set of allowed characters is ` +
      '#x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].',
  );
