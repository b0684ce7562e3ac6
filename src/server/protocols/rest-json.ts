import type { AwsError } from '../errors.js';
import type {
  ApiRequest,
  ApiResponse,
  ApiResponseHeaders,
  RequestDescription,
  Service,
} from '../http-types.js';
import { InputError, MAX_INPUT_DEPTH, parseJsonStrict } from './input-text.js';
import { encodeJson } from './rpc.js';

/**
 * AWS's REST-JSON protocol (Lambda): operations are named by method and path, not by X-Amz-Target. One service
 * serves one route table, which the components of an API each contribute a part of (Lambda's functions, the event
 * source mappings; versions, aliases and layers next). Errors are thrown and answered by the router through the
 * one error path, in the `rest-json` shape, under the part's service name.
 */

/** One request routed to an operation. */
export interface RestRequest {
  api: ApiRequest;
  /** The route's `{Name}` path segments, as the listener decoded them. */
  params: Readonly<Record<string, string>>;
  requestId: string;
  /** The JSON body as an object ({} when empty), parsed on the first call; the API's body error when it is not one. */
  input(): Record<string, unknown>;
}

/** A `{Name}` param of the route's path; asking for one the route does not have is a bug in the table. */
export function pathParam(req: RestRequest, name: string): string {
  const v = req.params[name];
  if (v === undefined)
    throw new Error(`the route of ${req.api.method} ${req.api.path} has no {${name}} param`);
  return v;
}

/** An operation's answer: a JSON document, raw bytes, or a stream. Every answer carries `x-amzn-RequestId`. */
export interface RestReply {
  status: number;
  headers?: ApiResponseHeaders;
  json?: unknown;
  raw?: Buffer;
  stream?: AsyncIterable<Uint8Array>;
}

export interface RestRoute {
  method: string;
  /**
   * Literal text and `{Name}` params, each matching within one path segment (`[^/]+`, also beside literal text:
   * `{CodeId}.zip`). The path matches with or without one trailing slash unless `strict`: AWS's models write some
   * paths with one (ListFunctions is `GET /2015-03-31/functions/`, CreateFunction `POST /2015-03-31/functions`).
   */
  path: string;
  /** Match the path exactly: Tributary's own paths, which no SDK builds. */
  strict?: boolean;
  /**
   * Query parameters the request must carry with these values: operations that share a method and path (Lambda's
   * GetLayerVersionByArn is `GET /2018-10-31/layers?find=LayerVersion`, ListLayers `GET /2018-10-31/layers`).
   * The table is searched in order, so such a route comes before the one without.
   */
  query?: Readonly<Record<string, string>>;
  /** The operation's name in logs and metrics (the API's name for it). */
  operation: string;
  handler(req: RestRequest): Promise<RestReply>;
}

/** One component's part of a REST API: its routes, and how it answers requests it claims that no route serves. */
export interface RestRoutes {
  /** The service name this part's requests are logged and counted under (`tributary_internal_errors_total`). */
  service: string;
  routes: RestRoute[];
  /** The error for a path one of `routes` has, asked with a method none of them has. */
  wrongMethod(req: ApiRequest): AwsError;
  /**
   * Every path under this one (itself, or below it after a `/`) is this part's, also one no route has: that is
   * answered with `unknownPath`. Without a subtree, a path no route has is not claimed (the router answers it).
   */
  subtree?: { path: string; unknownPath(req: ApiRequest): AwsError };
}

export interface RestJsonServiceOptions {
  name: string;
  parts: RestRoutes[];
  /** The error for a body that is not a JSON object, told why (Lambda: InvalidRequestContentException). */
  invalidBody(why: string): AwsError;
}

interface CompiledRoute {
  route: RestRoute;
  part: RestRoutes;
  pattern: RegExp;
}

/** What a request names: a route and its params, or the part that claims it and the error it answers. */
type Resolved =
  | { part: RestRoutes; route: RestRoute; params: Record<string, string> }
  | { part: RestRoutes; route: undefined; error: (req: ApiRequest) => AwsError };

const PARAM = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** A route's path as a regular expression with a named group per param. */
export function compilePath(path: string, strict = false): RegExp {
  const text = strict ? path : path.replace(/\/$/, '');
  let source = '';
  let last = 0;
  for (const m of text.matchAll(PARAM)) {
    source += literal(text.slice(last, m.index), path) + `(?<${m[1]}>[^/]+)`;
    last = m.index + m[0].length;
  }
  source += literal(text.slice(last), path);
  return new RegExp(`^${source}${strict ? '' : '/?'}$`);
}

function queryMatches(route: RestRoute, req: ApiRequest): boolean {
  return route.query === undefined || Object.entries(route.query).every(([k, v]) => req.query.get(k) === v);
}

/** Literal path text, escaped; a brace outside a `{Name}` param is a mistake in the table. */
function literal(s: string, path: string): string {
  if (/[{}]/.test(s)) throw new Error(`route path ${path}: a param is {Name} (letters, digits, _)`);
  return s.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
}

/** Builds the Service of a REST-JSON API from the parts its components contribute. */
export function restJsonService(opts: RestJsonServiceOptions): Service {
  const table: CompiledRoute[] = opts.parts.flatMap((part) =>
    part.routes.map((route) => ({ route, part, pattern: compilePath(route.path, route.strict) })),
  );
  const resolve = (req: ApiRequest): Resolved | undefined => {
    // X-Amz-Target requests are the RPC services' (registered first); one naming no service is not ours either.
    if (req.headers['x-amz-target'] !== undefined) return undefined;
    let pathOf: RestRoutes | undefined;
    for (const { route, part, pattern } of table) {
      const m = pattern.exec(req.path);
      if (!m) continue;
      if (route.method === req.method && queryMatches(route, req))
        return { part, route, params: { ...m.groups } };
      pathOf ??= part;
    }
    if (pathOf) return { part: pathOf, route: undefined, error: pathOf.wrongMethod };
    for (const part of opts.parts) {
      const s = part.subtree;
      if (s && (req.path === s.path || req.path.startsWith(s.path + '/')))
        return { part, route: undefined, error: s.unknownPath };
    }
    return undefined;
  };
  return {
    name: opts.name,
    matches: (req) => resolve(req) !== undefined,
    describe(req): RequestDescription {
      const r = resolve(req);
      return { operation: r?.route?.operation, protocol: 'rest-json', service: r?.part.service };
    },
    async handle(req): Promise<ApiResponse> {
      const r = resolve(req);
      // The router hands over only what `matches` claimed.
      if (!r) throw new Error(`${opts.name}: ${req.method} ${req.path} is not a route of this service`);
      if (!r.route) throw r.error(req);
      let input: Record<string, unknown> | undefined;
      const reply = await r.route.handler({
        api: req,
        params: r.params,
        requestId: req.requestId,
        input: () => (input ??= parseBody(req.body, opts.invalidBody)),
      });
      return toResponse(reply, req.requestId);
    },
  };
}

/** A REST-JSON body: a JSON object ({} when empty), held to input-text.ts's rules (UTF-8, depth, surrogates). */
function parseBody(body: Buffer, invalid: (why: string) => AwsError): Record<string, unknown> {
  if (body.length === 0) return {};
  let v: unknown;
  try {
    v = parseJsonStrict(body);
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    throw invalid(
      {
        syntax: 'Unexpected character in the request body.',
        utf8: 'the request body is not valid UTF-8.',
        depth: `the request body nests deeper than ${MAX_INPUT_DEPTH} levels.`,
        text: 'the request body holds an unpaired surrogate.',
      }[err.problem.kind],
    );
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw invalid('the request body must be a JSON object.');
  return v as Record<string, unknown>;
}

function toResponse(r: RestReply, requestId: string): ApiResponse {
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
