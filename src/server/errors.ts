/**
 * Typed AWS errors. Every error a client can see is an `AwsError` carrying the AWS error type and
 * HTTP status; `serialize-error.ts` is the one place that turns it into a protocol's wire shape.
 */
export class AwsError extends Error {
  /** AWS error code, e.g. `ResourceNotFoundException`. */
  readonly type: string;
  readonly status: number;
  /** `Client` faults are the caller's; `Server` faults are ours (SQS/SNS query protocol `<Type>`). */
  readonly fault: 'Client' | 'Server';
  /** Extra members some protocols put beside `message` (e.g. Lambda's `Type`). */
  readonly extra: Record<string, unknown>;
  /** Set for services that speak JSON and the query protocol (SQS): see `QueryCompat`. */
  readonly queryCompat: QueryCompat | undefined;

  constructor(
    type: string,
    message: string,
    status = 400,
    extra: Record<string, unknown> = {},
    queryCompat?: QueryCompat,
  ) {
    super(message);
    this.name = type;
    this.type = type;
    this.status = status;
    this.fault = status >= 500 ? 'Server' : 'Client';
    this.extra = extra;
    this.queryCompat = queryCompat;
  }
}

/**
 * `awsQueryCompatible` services (SQS) name an error twice: JSON answers carry the shape id in `__type`
 * (`com.amazonaws.sqs#QueueDoesNotExist`) and the query protocol's code in the `x-amzn-query-error`
 * header (`AWS.SimpleQueueService.NonExistentQueue;Sender`), which SDKs report as the error code; the
 * query protocol reports that code in `<Code>`.
 */
export interface QueryCompat {
  /** The query protocol's error code. */
  code: string;
  /** Smithy namespace prefixed to `__type`, e.g. `com.amazonaws.sqs`. */
  namespace: string;
}

const make =
  (type: string, status: number) =>
  (message: string, extra?: Record<string, unknown>): AwsError =>
    new AwsError(type, message, status, extra);

export const ResourceNotFound = make('ResourceNotFoundException', 400);
export const ResourceInUse = make('ResourceInUseException', 400);
export const InvalidArgument = make('InvalidArgumentException', 400);
export const ExpiredIterator = make('ExpiredIteratorException', 400);
export const LimitExceeded = make('LimitExceededException', 400);
export const Serialization = make('SerializationException', 400);
export const UnknownOperation = make('UnknownOperationException', 400);
export const InternalFailure = make('InternalFailure', 500);

/** One AWS-style validation failure: `Value 'x' at 'partitionKey' failed to satisfy constraint: ...`. */
export interface ValidationIssue {
  value: unknown;
  path: string;
  constraint: string;
}

function renderValue(value: unknown): string {
  if (value === undefined || value === null) return 'null';
  if (typeof value === 'string') return value;
  if (value instanceof Uint8Array) return 'java.nio.HeapByteBuffer[pos=0 lim=' + value.length + ']';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** Builds AWS's "N validation error(s) detected: ..." message (at most 10 listed, like AWS). */
export function validationError(issues: ValidationIssue[]): AwsError {
  const shown = issues.slice(0, 10);
  const parts = shown.map(
    (i) => `Value '${renderValue(i.value)}' at '${i.path}' failed to satisfy constraint: ${i.constraint}`,
  );
  const n = issues.length;
  const head = `${n} validation error${n === 1 ? '' : 's'} detected: `;
  return new AwsError('ValidationException', head + parts.join('; '), 400);
}
