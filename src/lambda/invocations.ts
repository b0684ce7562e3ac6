import { randomFillSync, randomUUID } from 'node:crypto';
import type { EventEmitter } from 'node:events';
import { MAX_SYNC_PAYLOAD_BYTES, type InvocationResult } from '../runtime/invocation.js';
import type { WorkerFleet } from '../runtime/worker-fleet.js';
import type { ConcurrencyLimiter } from './concurrency.js';
import type { FunctionRegistry } from './function-registry.js';
import {
  RequestEntityTooLarge,
  ResourceConflict,
  TooManyRequests,
  type ThrottleReason,
} from './lambda-errors.js';
import type { InvocationType, LambdaEvents } from './lambda-events.js';
import type { FunctionRecord } from './model.js';

export interface RunOptions {
  invocationType: InvocationType;
  /** Keep the log tail (LogType Tail). */
  tail?: boolean;
  /** X-Amz-Client-Context, base64-decoded. */
  clientContext?: string;
  /** Event invocations keep their request id across retries. */
  requestId?: string;
  /** 1 for the first attempt. */
  attempt?: number;
  /** The ARN the caller invoked (qualified with an alias or version if it was): the worker's invokedFunctionArn. */
  invokedArn?: string;
}

/** Random bytes drawn in bulk: one `randomBytes` call per invoke cost more than the rest of the trace id. */
const entropy = Buffer.alloc(12 * 256);
let entropyUsed = entropy.length;

/** AWS: `Root=1-<8 hex epoch seconds>-<24 hex>`. */
function traceId(): string {
  if (entropyUsed + 12 > entropy.length) {
    randomFillSync(entropy);
    entropyUsed = 0;
  }
  const random = entropy.toString('hex', entropyUsed, entropyUsed + 12);
  entropyUsed += 12;
  return `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${random};Sampled=0`;
}

/**
 * Runs invocations: admission (function state, payload size, concurrency) and the hand-off to the worker
 * fleet. Every caller — the Invoke API, the Event queue, event source mappings — goes through here, so
 * limits and events are the same for all of them.
 */
export class Invocations {
  readonly #registry: FunctionRegistry;
  readonly #fleet: WorkerFleet;
  readonly #limiter: ConcurrencyLimiter;
  readonly #events: EventEmitter<LambdaEvents>;

  constructor(deps: {
    registry: FunctionRegistry;
    fleet: WorkerFleet;
    limiter: ConcurrencyLimiter;
    events: EventEmitter<LambdaEvents>;
  }) {
    this.#registry = deps.registry;
    this.#fleet = deps.fleet;
    this.#limiter = deps.limiter;
    this.#events = deps.events;
  }

  /** A function still Pending cannot be invoked (AWS: ResourceConflictException). */
  checkInvocable(r: FunctionRecord): void {
    if (r.state !== 'Active') {
      throw ResourceConflict(
        `The operation cannot be performed at this time. The function is currently in the following state: ${r.state}`,
      );
    }
  }

  /** Takes a concurrency slot for the function, or returns why it cannot run now. */
  tryAcquire(r: FunctionRecord): ThrottleReason | undefined {
    return this.#limiter.tryAcquire(r.name, r.reservedConcurrency);
  }

  /** Synchronous invoke: refused (thrown AwsError) or run to a result. */
  async invokeSync(
    r: FunctionRecord,
    payload: Buffer,
    opts: Omit<RunOptions, 'invocationType'> = {},
  ): Promise<InvocationResult> {
    if (payload.length > MAX_SYNC_PAYLOAD_BYTES) {
      throw RequestEntityTooLarge(
        `Request must be smaller than ${MAX_SYNC_PAYLOAD_BYTES} bytes for the InvokeFunction operation`,
      );
    }
    this.checkInvocable(r);
    const reason = this.tryAcquire(r);
    if (reason !== undefined) {
      this.#events.emit('throttled', { functionName: r.name, reason });
      throw TooManyRequests(reason);
    }
    return this.run(r, payload, { ...opts, invocationType: 'RequestResponse' });
  }

  /** Runs an invocation whose concurrency slot the caller already holds; releases it when done. */
  async run(r: FunctionRecord, payload: Buffer, opts: RunOptions): Promise<InvocationResult> {
    const requestId = opts.requestId ?? randomUUID();
    const attempt = opts.attempt ?? 1;
    const functionName = r.name;
    this.#events.emit('invokeStart', {
      functionName,
      requestId,
      invocationType: opts.invocationType,
      attempt,
    });
    let result: InvocationResult;
    try {
      result = await this.#fleet.run(this.#registry.spec(r), {
        requestId,
        payload: payload.length === 0 ? Buffer.from('{}') : payload,
        invokedFunctionArn: opts.invokedArn ?? this.#registry.arn(functionName, r.version),
        traceId: traceId(),
        clientContext: opts.clientContext,
        tail: opts.tail === true,
      });
    } catch (err) {
      this.#limiter.release(functionName);
      throw err;
    }
    // invokeEnd before the slot is released: listeners never see more invocations running than the limits allow.
    try {
      this.#events.emit('invokeEnd', {
        functionName,
        requestId,
        invocationType: opts.invocationType,
        attempt,
        status: result.status,
        errorType: result.errorType,
        durationMs: result.durationMs,
        initDurationMs: result.initDurationMs,
      });
    } finally {
      this.#limiter.release(functionName);
    }
    return result;
  }
}
