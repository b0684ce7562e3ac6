import type { ExecutionRoles } from '../iam/execution-roles.js';
import type { AppContext } from '../server/context.js';
import type { RestReply } from '../server/protocols/rest-json.js';
import type { WorkerFleet } from '../runtime/worker-fleet.js';
import type { AsyncInvocations } from './async-invocations.js';
import type { ConcurrencyLimiter } from './concurrency.js';
import type { FunctionLogs } from './function-logs.js';
import type { FunctionRegistry } from './function-registry.js';
import type { Invocations } from './invocations.js';
import type { Layers } from './layers.js';
import type { CompiledLambdaOptions } from './lambda-options.js';
import type { AsyncDestinations, EventInvokeConfig } from './event-invoke-config.js';
import type { PerFunctionDocs } from './per-function-docs.js';
import type { Taggable } from './tagging.js';

/** What each Lambda action gets. */
export interface LambdaContext {
  app: AppContext;
  options: CompiledLambdaOptions;
  functions: FunctionRegistry;
  invocations: Invocations;
  asyncInvocations: AsyncInvocations;
  fleet: WorkerFleet;
  logs: FunctionLogs;
  limiter: ConcurrencyLimiter;
  layers: Layers;
  /** New code replaced `oldCodeId`: delete it once no worker runs it. */
  codeReplaced(functionName: string, oldCodeId: string): void;
  /** Async invocation settings per function and qualifier. */
  eventInvokeConfigs: PerFunctionDocs<EventInvokeConfig>;
  /** SQS queues and SNS topics async destinations deliver to (connected in the wiring; none before). */
  destinations(): AsyncDestinations | undefined;
  /** What the tag operations reach: functions, and event source mappings once wired. */
  taggables: Taggable[];
  /** Where alias routing draws from: a number in [0, 1) (Math.random; tests inject a seeded one). */
  random: () => number;
  /** What execution roles allow (IAM). */
  roles: ExecutionRoles;
  /** Path of a function's uploaded zip. */
  codePath(functionName: string, codeId: string): string;
}

/** An action's answer: a JSON document, raw bytes, or a stream. */
export type LambdaReply = RestReply;
