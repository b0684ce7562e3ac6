/**
 * What the rest of the server (event source mappings, SNS lambda subscriptions) needs from Lambda:
 * a synchronous invoke and a function lookup. Implemented by the Lambda component.
 */
export interface InvokeResult {
  /** 200 for a completed invoke (including function errors, as AWS reports them). */
  statusCode: number;
  /** Set when the function failed: `Unhandled` (thrown error, timeout, crash) as AWS reports it. */
  functionError?: 'Unhandled' | 'Handled';
  /** The function's response bytes (or the error object JSON when functionError is set). */
  payload: Buffer;
  executedVersion: string;
  requestId: string;
  /** Wall time of the invoke in ms. */
  durationMs: number;
}

export interface FunctionInfo {
  functionName: string;
  functionArn: string;
  role: string;
}

export interface FunctionInvoker {
  /**
   * RequestResponse invoke. Resolves with the result (function errors are results, not throws).
   * Rejects with an AwsError when the invoke never ran: ResourceNotFoundException,
   * TooManyRequestsException (throttled), RequestEntityTooLargeException, ServiceException.
   */
  invoke(functionNameOrArn: string, payload: Buffer): Promise<InvokeResult>;
  /** Async (`Event`) invoke: queued, retried twice like AWS. */
  invokeAsync(functionNameOrArn: string, payload: Buffer): Promise<void>;
  /** Resolves a name, ARN or partial ARN; undefined when no such function. */
  lookup(functionNameOrArn: string): FunctionInfo | undefined;
}
