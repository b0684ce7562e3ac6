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
  /** How AWS JSON and CBOR bodies carry the message (see `ErrorWire`). */
  readonly wire: ErrorWire;

  constructor(
    type: string,
    message: string,
    status = 400,
    extra: Record<string, unknown> = {},
    queryCompat?: QueryCompat,
    wire: ErrorWire = {},
  ) {
    super(capMessage(message));
    this.name = type;
    this.type = type;
    this.status = status;
    this.fault = status >= 500 ? 'Server' : 'Client';
    this.extra = extra;
    this.queryCompat = queryCompat;
    this.wire = wire;
  }
}

/**
 * How an AWS JSON or CBOR error body carries the message, where AWS's front end departs from `message`
 * (recorded Kinesis answers, see test/kinesis/conformance/): a SerializationException for a value of the wrong
 * type says `Message`, and a request the front end cannot read at all is answered with the type alone.
 */
export interface ErrorWire {
  /** The message's key. @default 'message' */
  readonly messageKey?: 'message' | 'Message';
  /** The body names the type only (`{"__type":"SerializationException"}`). */
  readonly bare?: true;
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

/**
 * The longest value an error message quotes whole; longer ones are cut (see `echo`). AWS quotes values whole; the
 * longest it is known to quote in an answer we match is a 4097-character FilterCriteria pattern (its limit is 4096).
 */
export const MAX_ECHO_CHARS = 4608;
/** No error message is longer than this, whatever its parts (a last guard for values quoted without `echo`). */
export const MAX_MESSAGE_CHARS = 16384;

/**
 * A value from the request, as an error message quotes it: whole up to MAX_ECHO_CHARS characters, else its
 * start and `...` (an error must not send a 5 MB input back).
 */
export function echo(value: string, max = MAX_ECHO_CHARS): string {
  if (value.length <= max) return value;
  // Never cut a surrogate pair in half.
  const end = /[\uD800-\uDBFF]/.test(value.charAt(max - 1)) ? max - 1 : max;
  return value.slice(0, end) + '...';
}

/** Messages past MAX_MESSAGE_CHARS keep their start and end (the constraint a validation message ends with). */
function capMessage(message: string): string {
  if (message.length <= MAX_MESSAGE_CHARS) return message;
  const head = echo(message, MAX_MESSAGE_CHARS / 2).slice(0, -3);
  let tail = message.slice(message.length - MAX_MESSAGE_CHARS / 4);
  if (/[\uDC00-\uDFFF]/.test(tail.charAt(0))) tail = tail.slice(1);
  return `${head} ... ${tail}`;
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

/** AWS's SerializationException for a value of the wrong type: its message under the key `Message`. */
export function typeMismatch(message: string): AwsError {
  return new AwsError('SerializationException', message, 400, {}, undefined, { messageKey: 'Message' });
}

/** An error whose body names its type only (a request AWS's front end cannot read). */
export function bareError(type: string, status = 400): AwsError {
  return new AwsError(type, '', status, {}, undefined, { bare: true });
}

/** One AWS-style validation failure: `Value 'x' at 'partitionKey' failed to satisfy constraint: ...`. */
export interface ValidationIssue {
  value: unknown;
  path: string;
  constraint: string;
}

/**
 * A structured value as JSON for an error message, cut like `echo`. Never throws: a value too deep for
 * JSON.stringify (a hostile input nested 100k levels) is named, not rendered.
 */
export function echoJson(value: unknown): string {
  try {
    return echo(JSON.stringify(value) ?? String(value));
  } catch {
    return Array.isArray(value) ? '[...]' : '{...}';
  }
}
