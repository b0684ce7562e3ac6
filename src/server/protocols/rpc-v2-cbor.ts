import { randomUUID } from 'node:crypto';
import { AwsError, Serialization } from '../errors.js';
import type { ApiResponse, Service } from '../http-types.js';
import { serializeError, toAwsError } from '../serialize-error.js';
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
  return {
    name: opts.name,
    matches: (req) => req.method === 'POST' && req.path.startsWith(prefix),
    async handle(req): Promise<ApiResponse> {
      const requestId = randomUUID();
      try {
        const opName = req.path.slice(prefix.length);
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
            'x-amzn-requestid': requestId,
          },
          body: encodeCbor(output ?? {}),
        };
      } catch (err) {
        return serializeError(toAwsError(err), 'rpc-v2-cbor', requestId);
      }
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
