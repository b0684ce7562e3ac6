import type { ErrorPath } from './error-path.js';
import type { AwsError } from './errors.js';
import type { ApiRequest } from './http-types.js';
import { decodeQuery, encodeXml, type DecodeOptions } from './protocols/query-codec.js';
import type { QueryAction } from './protocols/query.js';
import type { RestReply, RestRequest, RestRoute } from './protocols/rest-json.js';
import type { Operation as RpcOperation } from './protocols/rpc.js';
import type { Infer, Shape, StructureShape } from './shapes.js';
import { validateStructure, type Dialect } from './validate.js';
import { awsJsonDialect } from './validation-dialects.js';

/**
 * Operations, one signature for every service: an operation declares its input shape (and, for the query
 * protocol, its output shape) and is run with the component's context, its input validated against that shape,
 * and the request it serves. The protocol entry points (`rpcOperations`, `queryOperations`, `restRoute`) decode,
 * validate and encode around it, so an action sees the same input whichever protocol the client spoke.
 */

/** The request an operation serves. */
export interface Call {
  readonly requestId: string;
  /** host:port the client used (for URLs the service hands out, like SQS queue URLs). */
  readonly host: string;
  /** Aborted when the client goes away (long polls stop waiting). */
  readonly signal: AbortSignal;
  readonly headers: ApiRequest['headers'];
  /** The verified signer, when signatures are checked (`req.auth`). */
  readonly auth?: ApiRequest['auth'];
  /**
   * The AwsError a batch entry's failure is reported as: an AwsError as is, anything else (a bug) logged and
   * counted once with this request's id and operation, and answered as InternalFailure (ErrorPath.toAwsError).
   */
  clientError(err: unknown): AwsError;
}

export interface Operation<C, S extends StructureShape = StructureShape, O = unknown> {
  readonly input: S;
  /** The output as the query protocol writes it (XML); undefined: the response has no result element. */
  readonly output?: StructureShape;
  run(ctx: C, input: Infer<S>, call: Call): Promise<O>;
}

/** Declares an operation (the identity: it lets TypeScript infer the input's type from its shape). */
export function operation<C, S extends StructureShape, O>(op: Operation<C, S, O>): Operation<C, S, O> {
  return op;
}

/** Any operation of a component with context C (each has its own input type, so `run` takes it unnamed). */
export interface AnyOperation<C> {
  readonly input: StructureShape;
  readonly output?: StructureShape;
  run(ctx: C, input: never, call: Call): Promise<unknown>;
}

/** What every entry point of one service shares. */
export interface OperationsHost<C> {
  readonly context: C;
  /** By operation name. */
  readonly operations: Readonly<Record<string, AnyOperation<C>>>;
  /** How the service's family reads values and words failures. */
  readonly dialect: Dialect;
  /** Where batch entries' bugs are reported. */
  readonly errors: ErrorPath;
}

function callOf(req: ApiRequest, errors: ErrorPath, service: string, operation: string): Call {
  return {
    requestId: req.requestId,
    host: req.host,
    signal: req.signal,
    headers: req.headers,
    ...(req.auth ? { auth: req.auth } : {}),
    clientError: (err) => errors.toAwsError(err, { service, operation, requestId: req.requestId }),
  };
}

/** The operations as AWS JSON / CBOR handlers (`rpcService`, `rpcV2CborService`) of the service `service`. */
export function rpcOperations<C>(host: OperationsHost<C>, service: string): Record<string, RpcOperation> {
  const out: Record<string, RpcOperation> = {};
  for (const [name, op] of Object.entries(host.operations)) {
    out[name] = (input, req) =>
      op.run(
        host.context,
        validateStructure(op.input, input, host.dialect) as never,
        callOf(req, host.errors, service, name),
      );
  }
  return out;
}

export interface QueryOperationsOptions extends DecodeOptions {
  /** Fills in members a request carries outside its parameters (SQS: the queue URL it was posted to). */
  complete?(input: Record<string, unknown>, req: ApiRequest): void;
}

/** The operations as query-protocol actions (`queryService`) of the service `service`. */
export function queryOperations<C>(
  host: OperationsHost<C>,
  service: string,
  opts: QueryOperationsOptions,
): Record<string, QueryAction> {
  const out: Record<string, QueryAction> = {};
  for (const [name, op] of Object.entries(host.operations)) {
    out[name] = async (params, req) => {
      const raw = decodeQuery(op.input, params, opts);
      opts.complete?.(raw, req);
      const call = callOf(req, host.errors, service, name);
      const result = await op.run(
        host.context,
        validateStructure(op.input, raw, host.dialect) as never,
        call,
      );
      return op.output ? encodeXml(op.output, result as Record<string, unknown>) : undefined;
    };
  }
  return out;
}

/** Where a REST-JSON operation is served. */
export type RestOperationRoute = Omit<RestRoute, 'handler'>;

/**
 * A REST-JSON route (`restJsonService`) serving `op`, whose `run` answers with the RestReply: the input is the
 * JSON body's members, and those the shape locates in the path, the query string, the headers or the raw body.
 */
export function restRoute<C>(
  host: OperationsHost<C>,
  service: string,
  route: RestOperationRoute,
  op: AnyOperation<C>,
): RestRoute {
  const members = Object.entries(op.input.members);
  // The body is only read (and refused when it is no JSON object) by an operation with members in it.
  const fromBody = members.some(([, m]) => m.location === undefined);
  return {
    ...route,
    async handler(req) {
      const input: Record<string, unknown> = fromBody ? { ...req.input() } : {};
      for (const [name, m] of members) {
        if (m.location === undefined) continue;
        const v = located(req, m, m.name ?? name);
        if (v === undefined) delete input[name];
        else input[name] = v;
      }
      const call = callOf(req.api, host.errors, service, route.operation);
      return (await op.run(
        host.context,
        validateStructure(op.input, input, host.dialect) as never,
        call,
      )) as RestReply;
    },
  };
}

/**
 * How one REST-JSON service's component makes its routes: `route(method, path, operation, op)` serves `op` on
 * `context`, logged and counted as `service`, its input read with AWS JSON's validation messages (`more`: the
 * route's `strict` or `query`, over `defaults`).
 */
export function restRouter<C>(
  service: string,
  context: C,
  errors: ErrorPath,
  defaults: Pick<RestOperationRoute, 'strict'> = {},
): (
  method: string,
  path: string,
  operation: string,
  op: AnyOperation<C>,
  more?: Pick<RestOperationRoute, 'strict' | 'query'>,
) => RestRoute {
  const host: OperationsHost<C> = { context, operations: {}, dialect: awsJsonDialect, errors };
  return (method, path, operation, op, more = {}) =>
    restRoute(host, service, { method, path, operation, ...defaults, ...more }, op);
}

/** A member the REST binding takes from outside the body; numbers from text as Number reads them. */
function located(req: RestRequest, m: Shape, name: string): unknown {
  let text: string | undefined;
  switch (m.location) {
    case 'payload':
      return req.api.body;
    case 'uri':
      text = req.params[name];
      break;
    case 'querystring':
      // A list is the parameter repeated (`tagKeys=a&tagKeys=b`), as AWS's REST binding writes one.
      if (m.type === 'list') return req.api.query.has(name) ? req.api.query.getAll(name) : undefined;
      text = req.api.query.get(name) ?? undefined;
      break;
    case 'header': {
      const h = req.api.headers[name.toLowerCase()];
      text = Array.isArray(h) ? h[0] : h;
      break;
    }
  }
  if (text === undefined || m.unchecked) return text;
  return m.type === 'integer' || m.type === 'double' ? Number(text) : text;
}
