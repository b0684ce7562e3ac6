import type { InvocationStatus } from '../runtime/invocation.js';
import type { WorkerExitReason } from '../runtime/worker.js';
import type { ThrottleReason } from './lambda-errors.js';
import type { FunctionState, LastUpdateStatus } from './model.js';

export type InvocationType = 'RequestResponse' | 'Event';

/** Typed events of the Lambda component (metrics and tests listen to these). */
export interface LambdaEvents {
  functionCreated: [{ functionName: string; functionArn: string }];
  functionUpdated: [{ functionName: string; revisionId: string }];
  functionDeleted: [{ functionName: string; functionArn: string }];
  /** State / LastUpdateStatus changed (Pending -> Active, InProgress -> Successful). */
  stateChanged: [
    { functionName: string; state: FunctionState; lastUpdateStatus: LastUpdateStatus | undefined },
  ];
  /** An invocation was admitted and handed to a worker pool. */
  invokeStart: [{ functionName: string; requestId: string; invocationType: InvocationType; attempt: number }];
  invokeEnd: [
    {
      functionName: string;
      requestId: string;
      invocationType: InvocationType;
      attempt: number;
      status: InvocationStatus;
      errorType: string | undefined;
      durationMs: number;
      /** Set when this invocation paid for a cold start. */
      initDurationMs: number | undefined;
    },
  ];
  /** A RequestResponse invoke was refused with TooManyRequestsException. */
  throttled: [{ functionName: string; reason: ThrottleReason }];
  workerSpawn: [{ functionName: string; workerId: number; pid: number | undefined }];
  workerExit: [
    {
      functionName: string;
      workerId: number;
      pid: number | undefined;
      reason: WorkerExitReason;
      code: number | null;
      signal: string | null;
    },
  ];
  /** An Event invocation is waiting to be retried after a function error. */
  asyncRetry: [{ functionName: string; requestId: string; attempt: number; delayMs: number }];
  /** An Event invocation left the queue for good. */
  asyncDone: [
    {
      functionName: string;
      requestId: string;
      attempts: number;
      outcome: 'success' | 'failed' | 'expired' | 'deleted';
    },
  ];
  /** An Event invocation's record could not be delivered to its on-success or on-failure destination (logged too). */
  asyncDestinationFailed: [{ functionName: string; requestId: string; destination: string }];
  /** A line of a function's log. */
  log: [{ functionName: string; line: string; logStream: string }];
}
