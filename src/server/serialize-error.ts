import { encode as cborEncode } from 'cbor-x';
import { randomUUID } from 'node:crypto';
import { AwsError } from './errors.js';
import type { ApiResponse } from './http-types.js';
import { xmlEscape } from './protocols/query.js';
import { encodeCbor as encodeSmithyCbor } from './protocols/smithy-cbor.js';

/**
 * The wire shapes AWS uses for errors; every service picks the one its protocol uses. Two are AWS's front end's
 * answers to requests no SDK sends (recorded Kinesis answers, see test/kinesis/conformance/): `json-envelope`,
 * the JSON 1.0 envelope a body of `application/json` gets (status 200, `{"Output": {"__type":
 * "com.amazon.coral.service#T", "message": null}, "Version": "1.0"}`), and `front-end-xml`, the bare XML of a
 * request that names no operation AWS can authorise (`<AccessDeniedException>` with its `<Message>`, 403).
 */
export type ErrorProtocol =
  | 'json-1.0'
  | 'json-1.1'
  | 'cbor'
  | 'rpc-v2-cbor'
  | 'rest-json'
  | 'query'
  | 'json-envelope'
  | 'front-end-xml';

/** The message member of an AWS JSON or CBOR error body (none when the error is bare). */
function messageMember(err: AwsError, value: unknown = err.message): Record<string, unknown> {
  return err.wire.bare ? {} : { [err.wire.messageKey ?? 'message']: value };
}

/** The one place an AwsError becomes bytes on the wire (services reach it through `errorResponse`). */
export function serializeError(
  err: AwsError,
  protocol: ErrorProtocol,
  requestId: string = randomUUID(),
): ApiResponse {
  const headers: Record<string, string> = {
    'x-amzn-requestid': requestId,
    'x-amzn-errortype': err.type,
  };
  const compat = err.queryCompat;
  const faultName = err.fault === 'Client' ? 'Sender' : 'Receiver';
  switch (protocol) {
    case 'cbor':
      headers['content-type'] = 'application/x-amz-cbor-1.1';
      return {
        status: err.status,
        headers,
        body: Buffer.from(cborEncode({ __type: err.type, ...messageMember(err), ...err.extra })),
      };
    case 'rpc-v2-cbor':
      // Smithy RPC v2 CBOR: `__type` is the shape id; query-compatible services add the query code header.
      headers['content-type'] = 'application/cbor';
      headers['smithy-protocol'] = 'rpc-v2-cbor';
      if (compat) headers['x-amzn-query-error'] = `${compat.code};${faultName}`;
      return {
        status: err.status,
        headers,
        body: encodeSmithyCbor({
          __type: compat ? `${compat.namespace}#${err.type}` : err.type,
          message: err.message,
          ...err.extra,
        }),
      };
    case 'rest-json':
      headers['content-type'] = 'application/json';
      return {
        status: err.status,
        headers,
        body: JSON.stringify({
          Type: err.fault === 'Client' ? 'User' : 'Service',
          ...err.extra,
          message: err.message,
        }),
      };
    case 'query':
      headers['content-type'] = 'text/xml';
      return {
        status: err.status,
        headers,
        body:
          `<?xml version="1.0"?><ErrorResponse><Error><Type>${faultName}</Type>` +
          `<Code>${xmlEscape(compat?.code ?? err.type)}</Code><Message>${xmlEscape(err.message)}</Message><Detail/></Error>` +
          `<RequestId>${requestId}</RequestId></ErrorResponse>`,
      };
    case 'json-envelope':
      // The front end's answer is a success carrying the error: status 200, the message member null.
      headers['content-type'] = 'application/json';
      return {
        status: 200,
        headers,
        body: JSON.stringify({
          Output: { __type: `com.amazon.coral.service#${err.type}`, ...messageMember(err, null) },
          Version: '1.0',
        }),
      };
    case 'front-end-xml':
      // No content type, as AWS sends it; an error without a message is an empty element.
      return {
        status: err.status,
        headers,
        body: err.wire.bare
          ? `<${err.type}/>\n`
          : `<${err.type}>\n  <Message>${xmlEscape(err.message)}</Message>\n</${err.type}>\n`,
      };
    default: {
      headers['content-type'] =
        protocol === 'json-1.0' ? 'application/x-amz-json-1.0' : 'application/x-amz-json-1.1';
      let type = err.type;
      if (compat) {
        headers['x-amzn-query-error'] = `${compat.code};${faultName}`;
        type = `${compat.namespace}#${err.type}`;
      }
      return {
        status: err.status,
        headers,
        body: JSON.stringify({ __type: type, ...messageMember(err), ...err.extra }),
      };
    }
  }
}
