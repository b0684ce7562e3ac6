import type { ApiRequest, ApiResponse, Service } from '../server/http-types.js';
import { encodeJson } from '../server/protocols/rpc.js';
import { AwsError } from '../server/errors.js';
import { addPermission } from './actions/add-permission.js';
import { createFunction } from './actions/create-function.js';
import { getPolicy } from './actions/get-policy.js';
import { removePermission } from './actions/remove-permission.js';
import { deleteFunctionConcurrency } from './actions/delete-function-concurrency.js';
import { deleteFunction } from './actions/delete-function.js';
import { getFunctionCode } from './actions/get-function-code.js';
import { getFunctionConcurrency } from './actions/get-function-concurrency.js';
import { getFunctionConfiguration } from './actions/get-function-configuration.js';
import { getFunctionLogs } from './actions/get-function-logs.js';
import { getFunction } from './actions/get-function.js';
import { invokeAsync } from './actions/invoke-async.js';
import { invoke } from './actions/invoke.js';
import { listFunctions } from './actions/list-functions.js';
import { putFunctionConcurrency } from './actions/put-function-concurrency.js';
import { updateFunctionCode } from './actions/update-function-code.js';
import { updateFunctionConfiguration } from './actions/update-function-configuration.js';
import { parseRestJsonBody } from './rest-json-body.js';
import type { LambdaAction, LambdaContext, LambdaReply, LambdaRequest } from './lambda-context.js';

interface Route {
  method: string;
  /** Group 1, when present, is the {FunctionName} segment. */
  path: RegExp;
  action: LambdaAction;
  /** The operation's name in logs and metrics (Lambda's API name; Tributary's own routes are named alike). */
  op: string;
}

const FN = '([^/]+)';
const ROUTES: Route[] = [
  { method: 'POST', path: /^\/2015-03-31\/functions\/?$/, action: createFunction, op: 'CreateFunction' },
  { method: 'GET', path: /^\/2015-03-31\/functions\/?$/, action: listFunctions, op: 'ListFunctions' },
  {
    method: 'GET',
    path: new RegExp(`^/2015-03-31/functions/${FN}/?$`),
    action: getFunction,
    op: 'GetFunction',
  },
  {
    method: 'DELETE',
    path: new RegExp(`^/2015-03-31/functions/${FN}/?$`),
    action: deleteFunction,
    op: 'DeleteFunction',
  },
  {
    method: 'GET',
    path: new RegExp(`^/2015-03-31/functions/${FN}/configuration/?$`),
    action: getFunctionConfiguration,
    op: 'GetFunctionConfiguration',
  },
  {
    method: 'PUT',
    path: new RegExp(`^/2015-03-31/functions/${FN}/configuration/?$`),
    action: updateFunctionConfiguration,
    op: 'UpdateFunctionConfiguration',
  },
  {
    method: 'PUT',
    path: new RegExp(`^/2015-03-31/functions/${FN}/code/?$`),
    action: updateFunctionCode,
    op: 'UpdateFunctionCode',
  },
  {
    method: 'POST',
    path: new RegExp(`^/2015-03-31/functions/${FN}/invocations/?$`),
    action: invoke,
    op: 'Invoke',
  },
  {
    method: 'PUT',
    path: new RegExp(`^/2017-10-31/functions/${FN}/concurrency/?$`),
    action: putFunctionConcurrency,
    op: 'PutFunctionConcurrency',
  },
  {
    method: 'DELETE',
    path: new RegExp(`^/2017-10-31/functions/${FN}/concurrency/?$`),
    action: deleteFunctionConcurrency,
    op: 'DeleteFunctionConcurrency',
  },
  {
    method: 'GET',
    path: new RegExp(`^/2019-09-30/functions/${FN}/concurrency/?$`),
    action: getFunctionConcurrency,
    op: 'GetFunctionConcurrency',
  },
  {
    method: 'POST',
    path: new RegExp(`^/2015-03-31/functions/${FN}/policy/?$`),
    action: addPermission,
    op: 'AddPermission',
  },
  {
    method: 'GET',
    path: new RegExp(`^/2015-03-31/functions/${FN}/policy/?$`),
    action: getPolicy,
    op: 'GetPolicy',
  },
  {
    method: 'DELETE',
    path: new RegExp(`^/2015-03-31/functions/${FN}/policy/([^/]+)/?$`),
    action: removePermission,
    op: 'RemovePermission',
  },
  {
    method: 'POST',
    path: new RegExp(`^/2014-11-13/functions/${FN}/invoke-async/?$`),
    action: invokeAsync,
    op: 'InvokeAsync',
  },
  {
    method: 'GET',
    path: new RegExp(`^/_tributary/lambda/functions/${FN}/logs$`),
    action: getFunctionLogs,
    op: 'GetFunctionLogs',
  },
  {
    method: 'GET',
    path: new RegExp(`^/_tributary/lambda/functions/${FN}/code/[^/]+\\.zip$`),
    action: getFunctionCode,
    op: 'GetFunctionCode',
  },
];

/** Event source mappings share the 2015-03-31 prefix but belong to the mappings component. */
const NOT_OURS = '/2015-03-31/event-source-mappings';

/**
 * Lambda's REST JSON API on the shared port. Claims exactly the paths above (any method: a wrong method on
 * one of them is answered here), never X-Amz-Target requests nor /2015-03-31/event-source-mappings.
 */
export function lambdaRestService(c: LambdaContext): Service {
  return {
    name: 'lambda',
    matches(req: ApiRequest): boolean {
      if (req.headers['x-amz-target'] !== undefined || req.path.startsWith(NOT_OURS)) return false;
      return ROUTES.some((r) => r.path.test(req.path));
    },
    describe(req: ApiRequest) {
      return { operation: findRoute(req)?.route.op, protocol: 'rest-json' };
    },
    async handle(req: ApiRequest): Promise<ApiResponse> {
      const found = findRoute(req);
      if (!found)
        throw new AwsError(
          'UnknownOperationException',
          `No Lambda operation for ${req.method} ${req.path}`,
          404,
        );
      const { route, m } = found;
      let parsed: Record<string, unknown> | undefined;
      const lreq: LambdaRequest = {
        api: req,
        functionName: m[1],
        pathParams: m.slice(2).filter((x): x is string => x !== undefined),
        requestId: req.requestId,
        input: () => (parsed ??= parseRestJsonBody(req.body)),
      };
      return toResponse(await route.action(c, lreq), req.requestId);
    },
  };
}

/** The route a request's method and path name, with the path's match. */
function findRoute(req: ApiRequest): { route: Route; m: RegExpExecArray } | undefined {
  for (const route of ROUTES) {
    if (route.method !== req.method) continue;
    const m = route.path.exec(req.path);
    if (m) return { route, m };
  }
  return undefined;
}

function toResponse(r: LambdaReply, requestId: string): ApiResponse {
  const headers = { 'x-amzn-requestid': requestId, ...(r.headers ?? {}) };
  if (r.stream) return { status: r.status, headers, stream: r.stream };
  if (r.raw) return { status: r.status, headers, body: r.raw };
  if (r.json !== undefined)
    return {
      status: r.status,
      headers: { 'content-type': 'application/json', ...headers },
      body: encodeJson(r.json),
    };
  return { status: r.status, headers };
}
