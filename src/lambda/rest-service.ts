import { randomUUID } from 'node:crypto';
import type { ApiRequest, ApiResponse, Service } from '../server/http-types.js';
import { encodeJson } from '../server/protocols/rpc.js';
import { AwsError } from '../server/errors.js';
import { serializeError, toAwsError } from '../server/serialize-error.js';
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
}

const FN = '([^/]+)';
const ROUTES: Route[] = [
  { method: 'POST', path: /^\/2015-03-31\/functions\/?$/, action: createFunction },
  { method: 'GET', path: /^\/2015-03-31\/functions\/?$/, action: listFunctions },
  { method: 'GET', path: new RegExp(`^/2015-03-31/functions/${FN}/?$`), action: getFunction },
  { method: 'DELETE', path: new RegExp(`^/2015-03-31/functions/${FN}/?$`), action: deleteFunction },
  {
    method: 'GET',
    path: new RegExp(`^/2015-03-31/functions/${FN}/configuration/?$`),
    action: getFunctionConfiguration,
  },
  {
    method: 'PUT',
    path: new RegExp(`^/2015-03-31/functions/${FN}/configuration/?$`),
    action: updateFunctionConfiguration,
  },
  { method: 'PUT', path: new RegExp(`^/2015-03-31/functions/${FN}/code/?$`), action: updateFunctionCode },
  { method: 'POST', path: new RegExp(`^/2015-03-31/functions/${FN}/invocations/?$`), action: invoke },
  {
    method: 'PUT',
    path: new RegExp(`^/2017-10-31/functions/${FN}/concurrency/?$`),
    action: putFunctionConcurrency,
  },
  {
    method: 'DELETE',
    path: new RegExp(`^/2017-10-31/functions/${FN}/concurrency/?$`),
    action: deleteFunctionConcurrency,
  },
  {
    method: 'GET',
    path: new RegExp(`^/2019-09-30/functions/${FN}/concurrency/?$`),
    action: getFunctionConcurrency,
  },
  { method: 'POST', path: new RegExp(`^/2015-03-31/functions/${FN}/policy/?$`), action: addPermission },
  { method: 'GET', path: new RegExp(`^/2015-03-31/functions/${FN}/policy/?$`), action: getPolicy },
  {
    method: 'DELETE',
    path: new RegExp(`^/2015-03-31/functions/${FN}/policy/([^/]+)/?$`),
    action: removePermission,
  },
  { method: 'POST', path: new RegExp(`^/2014-11-13/functions/${FN}/invoke-async/?$`), action: invokeAsync },
  { method: 'GET', path: new RegExp(`^/_tributary/lambda/functions/${FN}/logs$`), action: getFunctionLogs },
  {
    method: 'GET',
    path: new RegExp(`^/_tributary/lambda/functions/${FN}/code/[^/]+\\.zip$`),
    action: getFunctionCode,
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
    async handle(req: ApiRequest): Promise<ApiResponse> {
      const requestId = randomUUID();
      try {
        let route: Route | undefined;
        let m: RegExpExecArray | null = null;
        for (const r of ROUTES) {
          if (r.method !== req.method) continue;
          m = r.path.exec(req.path);
          if (m) {
            route = r;
            break;
          }
        }
        if (!route)
          throw new AwsError(
            'UnknownOperationException',
            `No Lambda operation for ${req.method} ${req.path}`,
            404,
          );
        let parsed: Record<string, unknown> | undefined;
        const lreq: LambdaRequest = {
          api: req,
          functionName: m?.[1],
          pathParams: m ? m.slice(2).filter((x): x is string => x !== undefined) : [],
          requestId,
          input: () => (parsed ??= parseRestJsonBody(req.body)),
        };
        return toResponse(await route.action(c, lreq), requestId);
      } catch (err) {
        const e = toAwsError(err);
        if (e.type === 'InternalFailure') c.app.log.error({ err, path: req.path }, 'lambda request failed');
        return serializeError(e, 'rest-json', requestId);
      }
    },
  };
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
