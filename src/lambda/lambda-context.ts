import type { AppContext } from '../server/context.js';
import type { ApiRequest, ApiResponseHeaders } from '../server/http-types.js';
import type { WorkerFleet } from '../runtime/worker-fleet.js';
import type { AsyncInvocations } from './async-invocations.js';
import type { ConcurrencyLimiter } from './concurrency.js';
import type { FunctionLogs } from './function-logs.js';
import type { FunctionRegistry } from './function-registry.js';
import type { Invocations } from './invocations.js';
import type { CompiledLambdaOptions } from './lambda-options.js';

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
  /** New code replaced `oldCodeId`: delete it once no worker runs it. */
  codeReplaced(functionName: string, oldCodeId: string): void;
  /** Path of a function's uploaded zip. */
  codePath(functionName: string, codeId: string): string;
}

/** One REST request routed to an action. */
export interface LambdaRequest {
  api: ApiRequest;
  /** The `{FunctionName}` path segment (URL-decoded), when the route has one. */
  functionName: string | undefined;
  /** Further path segments of the route after the function name (e.g. `{StatementId}`). */
  pathParams: string[];
  requestId: string;
  /** The JSON body as an object ({} when empty); InvalidRequestContentException when it is not JSON. */
  input(): Record<string, unknown>;
}

/** An action's answer: a JSON document, raw bytes, or a stream. */
export interface LambdaReply {
  status: number;
  headers?: ApiResponseHeaders;
  json?: unknown;
  raw?: Buffer;
  stream?: AsyncIterable<Uint8Array>;
}

export type LambdaAction = (c: LambdaContext, req: LambdaRequest) => Promise<LambdaReply>;
