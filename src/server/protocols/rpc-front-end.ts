import { randomBytes } from 'node:crypto';
import { AwsError, bareError } from '../errors.js';
import type { ApiRequest, ApiResponseHeaders } from '../http-types.js';
import type { ErrorProtocol } from '../serialize-error.js';

/**
 * AWS's JSON front end (Coral), as it answers requests no SDK sends: a method other than POST, a body of another
 * content type, an empty body, `application/json`, a target naming no operation. What it answers is recorded in
 * kinesalite's connection tests, written against Kinesis itself (test/kinesis/conformance/wire.test.ts states
 * each answer):
 *
 * 1. A method other than POST: 403 `AccessDeniedException` in bare XML (no content type), "Unable to determine
 *    service/operation name to be authorized" — `MissingAuthenticationTokenException`, "Missing Authentication
 *    Token", when the request carries no signature (`unroutable`). Every AccessDenied below is the same answer.
 * 2. An empty body: `application/x-amz-json-1.1` (or CBOR) gets a bare SerializationException when the target
 *    names an operation, a bare UnknownOperationException otherwise; `application/json` the envelope of 4 with
 *    UnknownOperationException; any other content type, AccessDenied.
 * 3. A body of another content type: AccessDenied when the target does not name a service and an operation
 *    (`Service.Operation`), else a bare `<UnknownOperationException/>` with status 404.
 * 4. `application/json`: the JSON 1.0 envelope with status 200 — SerializationException (`Message: null`) when
 *    the body is not a JSON object, else UnknownOperationException (`message: null`): AWS goes no further.
 * 5. Otherwise the body is read; a target naming no operation of the service is then a bare
 *    UnknownOperationException.
 *
 * Every answer, errors and refusals included, carries an `x-amz-id-2` (base64 of 72 to 80 bytes), as recorded.
 * All of this comes before authentication (the service's `beforeAuth`): AWS answers these requests the same with
 * a signature, a wrong one or none. Requests to `/` that no service claims (no target, a target of no service)
 * get the same answers from `frontEndFallback` (rpc.ts), but a DELETE, on which AWS hangs up.
 */

/** What the front end does with a request. */
export type FrontEndVerdict =
  /** Read the body in this encoding; `operation` is the operation the target names, if the service has it. */
  | { readonly kind: 'read'; readonly cbor: boolean; readonly operation: string | undefined }
  /** Answer with this error in this shape, without reading further. */
  | { readonly kind: 'refuse'; readonly error: AwsError; readonly protocol: ErrorProtocol };

const JSON_11 = 'application/x-amz-json-1.1';
const CBOR_11 = 'application/x-amz-cbor-1.1';
const PLAIN_JSON = 'application/json';

/** The content type without parameters, lowercased. */
export function mediaType(req: ApiRequest): string {
  return String(req.headers['content-type'] ?? '')
    .split(';')[0]!
    .trim()
    .toLowerCase();
}

/** Whether a request carries a signature at all: an `Authorization` header or a presigned query. */
function carriesSignature(req: ApiRequest): boolean {
  return req.headers['authorization'] !== undefined || req.query.has('X-Amz-Algorithm');
}

/**
 * AWS's 403 to a request it cannot tell the service and operation of, before any signature is checked (with
 * `--access-key-id` or without): `MissingAuthenticationTokenException` when it carries no signature at all, else
 * `AccessDeniedException`, in bare XML (serialize-error.ts, `front-end-xml`).
 */
function unroutable(req: ApiRequest): AwsError {
  return carriesSignature(req)
    ? new AwsError(
        'AccessDeniedException',
        'Unable to determine service/operation name to be authorized',
        403,
      )
    : new AwsError('MissingAuthenticationTokenException', 'Missing Authentication Token', 403);
}

const verdicts = new WeakMap<ApiRequest, FrontEndVerdict>();

/** The front end's verdict on `req` for the service whose targets are `prefix.Operation` (see the top). */
export function frontEndVerdict(
  req: ApiRequest,
  prefix: string,
  has: (operation: string) => boolean,
  cbor: boolean,
): FrontEndVerdict {
  let v = verdicts.get(req);
  if (!v) verdicts.set(req, (v = judge(req, prefix, has, cbor)));
  return v;
}

function judge(
  req: ApiRequest,
  prefix: string,
  has: (operation: string) => boolean,
  cbor: boolean,
): FrontEndVerdict {
  const refuse = (error: AwsError, protocol: ErrorProtocol): FrontEndVerdict => ({
    kind: 'refuse',
    error,
    protocol,
  });
  const target = req.headers['x-amz-target'];
  const [service, op] = typeof target === 'string' ? target.split('.') : [];
  const operation = service === prefix && op !== undefined && has(op) ? op : undefined;
  if (req.method !== 'POST') return refuse(unroutable(req), 'front-end-xml');
  const type = mediaType(req);
  const isCbor = cbor && type === CBOR_11;
  if (req.body.length === 0) {
    if (type === PLAIN_JSON) return refuse(new AwsError('UnknownOperationException', ''), 'json-envelope');
    if (type !== JSON_11 && !isCbor) return refuse(unroutable(req), 'front-end-xml');
    const error = bareError(operation ? 'SerializationException' : 'UnknownOperationException');
    return refuse(error, isCbor ? 'cbor' : 'json-1.1');
  }
  if (type !== JSON_11 && type !== PLAIN_JSON && !isCbor) {
    if (!service || !op) return refuse(unroutable(req), 'front-end-xml');
    return refuse(bareError('UnknownOperationException', 404), 'front-end-xml');
  }
  if (type === PLAIN_JSON) {
    let value: unknown;
    try {
      value = JSON.parse(req.body.toString('utf8'));
    } catch {
      value = undefined;
    }
    const error =
      typeof value === 'object' && value !== null
        ? new AwsError('UnknownOperationException', '')
        : new AwsError('SerializationException', '', 400, {}, undefined, { messageKey: 'Message' });
    return refuse(error, 'json-envelope');
  }
  return { kind: 'read', cbor: isCbor, operation };
}

/** The headers the front end puts on every answer: `x-amz-id-2`, an opaque id of 72 bytes, base64 (AWS's length). */
export function frontEndAnswerHeaders(): ApiResponseHeaders {
  return { 'x-amz-id-2': randomBytes(72).toString('base64') };
}
