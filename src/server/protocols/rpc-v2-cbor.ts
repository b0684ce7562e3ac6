import { AwsError, Serialization } from '../errors.js';
import type { ApiRequest, ApiResponse, Service } from '../http-types.js';
import type { Operation } from './rpc.js';
import { CborDecodeError, decodeCbor, encodeCbor } from './smithy-cbor.js';

export interface RpcV2CborServiceOptions {
  name: string;
  /** The service shape's name in the path, e.g. `GraniteServiceVersion20100801` (CloudWatch). */
  serviceName: string;
  operations: Record<string, Operation>;
}

/**
 * Smithy RPC v2 CBOR: `POST /service/<Service>/operation/<Operation>` with a CBOR body and the header
 * `smithy-protocol: rpc-v2-cbor`; answers in CBOR with the same header. Errors carry `__type` (and, for
 * awsQueryCompatible services, `x-amzn-query-error`) — see serialize-error.ts. botocore picks this
 * protocol first for services that list it (CloudWatch since botocore 1.40-ish).
 */
export function rpcV2CborService(opts: RpcV2CborServiceOptions): Service {
  const prefix = `/service/${opts.serviceName}/operation/`;
  const operationOf = (req: ApiRequest): string => req.path.slice(prefix.length);
  return {
    name: opts.name,
    matches: (req) => req.method === 'POST' && req.path.startsWith(prefix),
    describe(req) {
      const opName = operationOf(req);
      return {
        operation: Object.hasOwn(opts.operations, opName) ? opName : undefined,
        protocol: 'rpc-v2-cbor',
      };
    },
    async handle(req): Promise<ApiResponse> {
      const opName = operationOf(req);
      const op = Object.hasOwn(opts.operations, opName) ? opts.operations[opName] : undefined;
      if (!op)
        throw new AwsError(
          'UnknownOperationException',
          `The operation ${opName} is not supported by this service.`,
          404,
        );
      const output = await op(decodeInput(req.body), req);
      return {
        status: 200,
        headers: {
          'content-type': 'application/cbor',
          'smithy-protocol': 'rpc-v2-cbor',
          'x-amzn-requestid': req.requestId,
        },
        body: encodeCbor(output ?? {}),
      };
    },
  };
}

function decodeInput(body: Buffer): Record<string, unknown> {
  // An operation without input members may send no body at all.
  if (body.length === 0) return {};
  let value: unknown;
  try {
    value = decodeCbor(body);
  } catch (err) {
    if (err instanceof CborDecodeError) throw Serialization(`Malformed CBOR request body: ${err.message}.`);
    throw err;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Uint8Array) {
    throw Serialization('The request body must be a CBOR map.');
  }
  return value as Record<string, unknown>;
}
