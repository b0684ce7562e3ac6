import type { Clock } from '../server/clock.js';
import type { LogStore } from './log-store.js';

/** What the CloudWatch Logs operations run with. */
export interface LogsContext {
  readonly store: LogStore;
  readonly clock: Clock;
  readonly region: string;
  readonly account: string;
  /** Resolves once every function line received so far is stored (reads see what was logged before them). */
  flush(): Promise<void>;
}

export function groupArn(ctx: LogsContext, group: string): string {
  return `arn:aws:logs:${ctx.region}:${ctx.account}:log-group:${group}`;
}
