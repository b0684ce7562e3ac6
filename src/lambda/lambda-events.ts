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
  /**
   * An invocation left the fleet's queue (it got a worker, failed before getting one, or timed out waiting):
   * `waitedMs` it waited because every slot of the machine limit (--max-workers) was taken, 0 when one was free;
   * `timedOut` when it waited as long as its function's timeout and failed as a timeout.
   */
  workerWait: [{ functionName: string; waitedMs: number; timedOut: boolean }];
  /**
   * The machine limit's figures: told once as the component starts and then whenever the processes alive or
   * the invocations waiting for a slot change (`maxWorkers` is fixed for the server's life).
   */
  workers: [{ alive: number; maxWorkers: number; waiting: number }];
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
