import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { WorkerFleet } from '../runtime/worker-fleet.js';

const WAIT_BUCKETS = [1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 300000, 900000];

/** The machine limit on `/metrics`: how full the fleet is, and how long invocations waited for a worker. */
export interface WorkerMetrics {
  /** An invocation left the fleet's queue after waiting `waitedMs` for a slot (0: a slot was free). */
  dequeued(functionName: string, waitedMs: number, timedOut: boolean): void;
  /** The function is gone: its series go too. */
  forget(functionName: string): void;
}

export function registerWorkerMetrics(registry: Registry, fleet: () => WorkerFleet): WorkerMetrics {
  const wait = new Histogram({
    name: 'tributary_lambda_worker_wait_ms',
    help: 'Time invocations waited for a worker slot under --max-workers (0 when one was free), ms',
    labelNames: ['function_name'],
    buckets: WAIT_BUCKETS,
    registers: [registry],
  });
  const timeouts = new Counter({
    name: 'tributary_lambda_worker_wait_timeouts_total',
    help: "Invocations failed as timeouts because no worker slot came free within their function's timeout",
    labelNames: ['function_name'],
    registers: [registry],
  });
  new Gauge({
    name: 'tributary_lambda_workers',
    help: 'Worker processes alive (idle, busy, starting, ending and spare), bounded by tributary_lambda_max_workers',
    registers: [registry],
    collect() {
      this.set(fleet().aliveCount);
    },
  });
  new Gauge({
    name: 'tributary_lambda_max_workers',
    help: 'The machine limit on worker processes (--max-workers)',
    registers: [registry],
    collect() {
      this.set(fleet().maxWorkers);
    },
  });
  new Gauge({
    name: 'tributary_lambda_invocations_waiting_for_worker',
    help: 'Invocations waiting now because every worker slot is taken',
    registers: [registry],
    collect() {
      this.set(fleet().blockedCount);
    },
  });
  return {
    dequeued(functionName, waitedMs, timedOut) {
      wait.observe({ function_name: functionName }, waitedMs);
      if (timedOut) timeouts.inc({ function_name: functionName });
    },
    forget(functionName) {
      wait.remove({ function_name: functionName });
      timeouts.remove({ function_name: functionName });
    },
  };
}
