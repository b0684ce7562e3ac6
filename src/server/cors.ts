import type { ApiRequest, ApiResponse, ApiResponseHeaders } from './http-types.js';

/**
 * CORS, answered once for every service on the port (Kinesis, Lambda, SQS, SNS, CloudWatch), so that the AWS SDK
 * for JavaScript runs from a browser page. AWS's endpoints allow any origin: a preflight (`OPTIONS`) is answered 200
 * with `Access-Control-Allow-Origin: *`, the method and headers asked for, and `Access-Control-Max-Age: 172800`
 * (two days); every other answer carries `Access-Control-Allow-Origin: *` and exposes the headers the SDKs read.
 */

/** How long a browser may cache a preflight's answer, in seconds (AWS's 172800: two days). */
export const CORS_MAX_AGE_SECONDS = 172800;

/** Methods the APIs answer (JSON and query protocols POST; Lambda's REST API also GET, PUT, DELETE). */
const ALLOWED_METHODS = 'GET, POST, PUT, DELETE, HEAD, PATCH, OPTIONS';

/** What a preflight that names no headers is told the SDKs may send. */
const ALLOWED_HEADERS = [
  'authorization',
  'content-type',
  'content-encoding',
  'accept',
  'x-amz-target',
  'x-amz-date',
  'x-amz-security-token',
  'x-amz-user-agent',
  'x-amz-content-sha256',
  'x-amz-invocation-type',
  'x-amz-log-type',
  'x-amz-client-context',
  'amz-sdk-invocation-id',
  'amz-sdk-request',
  'smithy-protocol',
].join(', ');

/**
 * Response headers a browser page may read: the request id and error type every SDK reads, S3-style ids, the query
 * protocol's error code (SQS's `x-amzn-query-error`), and Lambda Invoke's function error, log tail and version.
 */
const EXPOSED_HEADERS = [
  'x-amzn-RequestId',
  'x-amzn-ErrorType',
  'x-amzn-ErrorMessage',
  'x-amz-id-2',
  'x-amz-request-id',
  'x-amzn-query-error',
  'x-amz-function-error',
  'x-amz-log-result',
  'x-amz-executed-version',
  'x-amzn-trace-id',
  'Date',
].join(', ');

/**
 * True for a CORS preflight: an `OPTIONS` request with an `Origin`, which no service sees (the router answers it).
 * An `OPTIONS` without one is no browser's: it is routed like any request, and AWS's front end refuses it (403).
 */
export function isPreflight(req: ApiRequest): boolean {
  return req.method === 'OPTIONS' && req.headers['origin'] !== undefined;
}

/** The answer to a preflight: the method and headers the browser asks for (or all the APIs take), for two days. */
export function preflightResponse(req: ApiRequest): ApiResponse {
  const method = req.headers['access-control-request-method'];
  const headers = req.headers['access-control-request-headers'];
  return {
    status: 200,
    headers: {
      'access-control-allow-origin': '*',
      'access-control-allow-methods': typeof method === 'string' && method !== '' ? method : ALLOWED_METHODS,
      'access-control-allow-headers':
        typeof headers === 'string' && headers !== '' ? headers : ALLOWED_HEADERS,
      'access-control-max-age': String(CORS_MAX_AGE_SECONDS),
      'x-amzn-requestid': req.requestId,
      'content-length': '0',
    },
    body: '',
  };
}

/** `res` with the headers every cross-origin answer carries (a service's own CORS headers are kept). */
export function withCors(res: ApiResponse): ApiResponse {
  const headers: ApiResponseHeaders = {
    'access-control-allow-origin': '*',
    'access-control-expose-headers': EXPOSED_HEADERS,
    ...(res.headers ?? {}),
  };
  return { ...res, headers };
}
