import type { EventEmitter } from 'node:events';
import type { LambdaEvents } from '../lambda/lambda-events.js';

/** One finished invocation, as the console's Functions page lists it. */
export interface RecentInvocation {
  requestId: string;
  /** Epoch ms when it ended. */
  endedAt: number;
  invocationType: string;
  status: string;
  errorType?: string;
  durationMs: number;
  /** Set when this invocation paid for a cold start (the runtime's init). */
  initDurationMs?: number;
}

/** How many invocations are kept per function (newest first): what a page shows, not a history. */
export const RECENT_INVOCATIONS = 50;

/**
 * The last invocations of each function since the server started, from Lambda's `invokeEnd` events (AWS has no
 * API for them: its console reads CloudWatch Logs Insights). Forgotten with the function.
 */
export class RecentInvocations {
  readonly #byFunction = new Map<string, RecentInvocation[]>();
  readonly #detach: () => void;

  constructor(events: EventEmitter<LambdaEvents>, now: () => number = Date.now) {
    const onEnd = (e: LambdaEvents['invokeEnd'][0]): void => {
      let list = this.#byFunction.get(e.functionName);
      if (!list) this.#byFunction.set(e.functionName, (list = []));
      const r: RecentInvocation = {
        requestId: e.requestId,
        endedAt: now(),
        invocationType: e.invocationType,
        status: e.status,
        durationMs: e.durationMs,
      };
      if (e.errorType !== undefined) r.errorType = e.errorType;
      if (e.initDurationMs !== undefined) r.initDurationMs = e.initDurationMs;
      list.unshift(r);
      if (list.length > RECENT_INVOCATIONS) list.pop();
    };
    const onDeleted = (e: { functionName: string }): void => void this.#byFunction.delete(e.functionName);
    events.on('invokeEnd', onEnd);
    events.on('functionDeleted', onDeleted);
    this.#detach = () => {
      events.off('invokeEnd', onEnd);
      events.off('functionDeleted', onDeleted);
    };
  }

  /** Newest first. */
  of(functionName: string): RecentInvocation[] {
    return this.#byFunction.get(functionName) ?? [];
  }

  close(): void {
    this.#detach();
  }
}
