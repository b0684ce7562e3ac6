import { addExtension, decode as cborDecode, encode as cborEncode } from 'cbor-x';
import { bareError, echo, Serialization, typeMismatch, UnknownOperation, type AwsError } from '../errors.js';
import { HANG_UP_STATUS, type ApiRequest, type ApiResponse, type Service } from '../http-types.js';
import type { ErrorProtocol } from '../serialize-error.js';
import { checkDocument, InputError, MAX_INPUT_DEPTH, readJson, type InputProblem } from './input-text.js';
import { frontEndAnswerHeaders, frontEndVerdict } from './rpc-front-end.js';
import { CborTextError, decodeCbor } from './smithy-cbor.js';

/** An operation handler takes the decoded input object and returns the output object. */
export type Operation = (input: Record<string, unknown>, req: ApiRequest) => Promise<unknown>;

/** A handler may return this to stream its response (SubscribeToShard). */
export interface StreamingOutput {
  readonly streaming: true;
  contentType: string;
  stream: AsyncIterable<Uint8Array>;
}

export interface RpcServiceOptions {
  name: string;
  /** `X-Amz-Target` prefix, e.g. `Kinesis_20131202`. */
  targetPrefix: string;
  /** JSON protocol version the service speaks (`1.1` for Kinesis, `1.0` for SQS/CloudWatch). */
  jsonVersion: '1.0' | '1.1';
  /** Whether `application/x-amz-cbor-1.1` bodies are accepted (Kinesis: Java SDK/KCL). */
  cbor?: boolean;
  operations: Record<string, Operation>;
  /**
   * Members whose characters the service checks itself, by path (`Entries[0].MessageBody`): an unpaired
   * surrogate escape (`"\ud800"`) in them reaches the service, which refuses it its own way (SQS:
   * InvalidMessageContents, per entry in a batch); anywhere else it is a SerializationException.
   */
  ownText?: (member: string) => boolean;
  /**
   * Answer as AWS's JSON front end answers requests no SDK sends (rpc-front-end.ts; Kinesis's recorded answers):
   * other methods, content types, empty and unreadable bodies, `application/json`.
   * An operation that returns nothing answers an empty JSON body, as AWS does, and every answer carries
   * `x-amz-id-2`.
   */
  frontEnd?: true;
}

/**
 * AWS's CBOR protocol (Java SDK, KCL) carries timestamps as tag 1 around epoch *milliseconds* — RFC 8949 says
 * seconds — in requests and responses alike. cbor-x's own tag 1 reads seconds (and throws on the uint64 the
 * SDKs send), so Dates get AWS's meaning once for the process; cbor-x is only used for AWS CBOR traffic.
 */
addExtension<Date, bigint | number>({
  Class: Date,
  tag: 1,
  encode: (date, encode) => encode(BigInt(date.getTime())),
  decode: (ms) => new Date(Number(ms)),
});

/**
 * JSON's wire form: blobs are base64 strings and timestamps are epoch seconds (AWS JSON 1.0/1.1).
 * CBOR keeps byte strings and encodes Dates as tag 1 natively.
 */
/**
 * An output member that writes its own AWS JSON text. For large lists (GetRecords: up to 10000 records) writing
 * the text directly costs a fraction of building objects for JSON.stringify. `plain()` is the same data as a
 * value, for every other encoding (CBOR). Only honoured as a top-level member of an operation's output.
 */
export class PreEncodedJson {
  constructor(
    /** The member's JSON text, as a string or as UTF-8 bytes. */
    readonly json: () => string | Buffer,
    readonly plain: () => unknown,
  ) {}
}

function hasPreEncoded(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Object.getPrototypeOf(value) !== Object.prototype)
    return false;
  for (const key in value) if ((value as Record<string, unknown>)[key] instanceof PreEncodedJson) return true;
  return false;
}

/** The output with its pre-encoded members as plain values (for CBOR). */
function plainOutput(value: unknown): unknown {
  if (!hasPreEncoded(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) out[key] = v instanceof PreEncodedJson ? v.plain() : v;
  return out;
}

function toJsonWire(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (value instanceof PreEncodedJson) return toJsonWire(value.plain());
  if (value instanceof Uint8Array)
    return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
  if (value instanceof Date) return value.getTime() / 1000;
  // Copy-on-write: a subtree without blobs or dates is returned as is (no allocation); one with them is
  // copied, since outputs may share objects with live state, which must not be altered.
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const v = value[i] as unknown;
      const w = toJsonWire(v);
      if (w !== v) (out ??= value.slice())[i] = w;
    }
    return out ?? value;
  }
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') return toJsonWire((toJSON as () => unknown).call(value));
  let out: Record<string, unknown> | undefined;
  for (const key of Object.keys(value)) {
    const v = (value as Record<string, unknown>)[key];
    const w = toJsonWire(v);
    if (w !== v) (out ??= { ...(value as Record<string, unknown>) })[key] = w;
  }
  return out ?? value;
}

/**
 * Converting the tree first and then calling JSON.stringify without a replacer is several times faster than a
 * replacer (which also made Buffer.toJSON build a number array per blob before it was replaced): GetRecords
 * responses carry up to 10000 blobs.
 */
export function encodeJson(value: unknown): string | Buffer {
  if (hasPreEncoded(value)) {
    // Text is gathered until a member comes as bytes; then the text so far and the bytes become parts.
    const parts: Array<string | Buffer> = [];
    let text = '{';
    let first = true;
    for (const [key, v] of Object.entries(value)) {
      const json =
        v instanceof PreEncodedJson ? v.json() : (JSON.stringify(toJsonWire(v)) as string | undefined);
      // Members JSON.stringify would leave out (undefined, functions) are left out here too.
      if (json === undefined) continue;
      text += `${first ? '' : ','}${JSON.stringify(key)}:`;
      first = false;
      if (typeof json === 'string') text += json;
      else {
        parts.push(text, json);
        text = '';
      }
    }
    text += '}';
    if (parts.length === 0) return text;
    parts.push(text);
    return Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : p)));
  }
  return JSON.stringify(toJsonWire(value));
}

/** Builds a Service for an AWS JSON RPC protocol (X-Amz-Target dispatch), with optional CBOR. */
export function rpcService(opts: RpcServiceOptions): Service {
  const prefix = opts.targetPrefix + '.';
  const jsonType = `application/x-amz-json-${opts.jsonVersion}`;
  const jsonProtocol: ErrorProtocol = opts.jsonVersion === '1.0' ? 'json-1.0' : 'json-1.1';
  const isCbor = (req: ApiRequest): boolean =>
    opts.cbor === true && String(req.headers['content-type'] ?? '').includes('cbor');
  const operationOf = (req: ApiRequest): string => String(req.headers['x-amz-target']).slice(prefix.length);
  const has = (name: string): boolean => Object.hasOwn(opts.operations, name);
  const verdict = (req: ApiRequest): ReturnType<typeof frontEndVerdict> =>
    frontEndVerdict(req, opts.targetPrefix, has, opts.cbor === true);
  /**
   * The request's operation and decoded input, or the error AWS's front end answers (the input is decoded once
   * per request: `decodeInput`).
   */
  const prepare = (req: ApiRequest): Prepared => {
    if (opts.frontEnd) {
      // AWS reads the body before it looks the operation up.
      const v = verdict(req);
      if (v.kind === 'refuse') throw v.error;
      const input = decodeInput(req, v.cbor, opts.ownText, true);
      const op = v.operation === undefined ? undefined : opts.operations[v.operation];
      if (!op) throw bareError('UnknownOperationException');
      return { cbor: v.cbor, input, op };
    }
    const opName = operationOf(req);
    const op = Object.hasOwn(opts.operations, opName) ? opts.operations[opName] : undefined;
    if (!op)
      throw UnknownOperation(
        `The action or operation requested is invalid. Verify that the action is typed correctly.`,
      );
    const cbor = isCbor(req);
    return { cbor, input: decodeInput(req, cbor, opts.ownText), op };
  };
  return {
    name: opts.name,
    ...(opts.frontEnd ? { answerHeaders: frontEndAnswerHeaders } : {}),
    matches: (req) => {
      const target = req.headers['x-amz-target'];
      return typeof target === 'string' && target.startsWith(prefix);
    },
    describe(req) {
      if (opts.frontEnd) {
        const v = verdict(req);
        if (v.kind === 'refuse') return { operation: undefined, protocol: v.protocol };
        return { operation: v.operation, protocol: v.cbor ? 'cbor' : jsonProtocol };
      }
      const opName = operationOf(req);
      return {
        operation: Object.hasOwn(opts.operations, opName) ? opName : undefined,
        protocol: isCbor(req) ? 'cbor' : jsonProtocol,
      };
    },
    // A target naming no operation and a body that cannot be read are answered before the signature is checked,
    // as AWS's front end answers them (test/kinesis/conformance/wire.test.ts).
    beforeAuth(req) {
      prepare(req);
    },
    async handle(req): Promise<ApiResponse> {
      const { cbor, input, op } = prepare(req);
      const output = await op(input, req);
      const headers: Record<string, string> = { 'x-amzn-requestid': req.requestId };
      if (isStreaming(output)) {
        headers['content-type'] = output.contentType;
        return { status: 200, headers, stream: output.stream };
      }
      if (cbor) {
        headers['content-type'] = 'application/x-amz-cbor-1.1';
        return { status: 200, headers, body: Buffer.from(cborEncode(plainOutput(output ?? {}))) };
      }
      headers['content-type'] = jsonType;
      // AWS answers an operation without output (CreateStream, MergeShards...) with an empty body.
      if (output === undefined && opts.frontEnd) return { status: 200, headers, body: '' };
      return { status: 200, headers, body: encodeJson(output ?? {}) };
    },
  };
}

/** A request's operation and its decoded input. */
interface Prepared {
  readonly cbor: boolean;
  readonly input: Record<string, unknown>;
  readonly op: Operation;
}

/**
 * The requests to `/` that no service claimed (no X-Amz-Target, or a target no service has), answered as AWS's
 * JSON front end answers them (rpc-front-end.ts): a JSON 1.1 or CBOR POST a bare UnknownOperationException (or
 * SerializationException, its body unreadable), `application/json` the JSON 1.0 envelope, anything else 403 in
 * XML — before and without any signature check, whether signatures are checked or not. A DELETE gets no answer:
 * AWS hangs up (kinesalite's connection tests, recorded against Kinesis). Registered after every service, the web
 * console included; other paths no service claims keep the router's 404.
 */
export function frontEndFallback(): Service {
  const front = rpcService({
    name: 'front-end',
    targetPrefix: '',
    jsonVersion: '1.1',
    cbor: true,
    frontEnd: true,
    operations: {},
  });
  return {
    name: front.name,
    ...(front.answerHeaders ? { answerHeaders: front.answerHeaders } : {}),
    ...(front.describe ? { describe: front.describe } : {}),
    matches: (req) => req.path === '/',
    // It serves nothing: every answer is a refusal AWS gives unsigned and signed requests alike.
    isPublic: () => true,
    handle: (req) =>
      req.method === 'DELETE' ? Promise.resolve({ status: HANG_UP_STATUS, hangUp: true }) : front.handle(req),
  };
}

function isStreaming(v: unknown): v is StreamingOutput {
  return typeof v === 'object' && v !== null && (v as StreamingOutput).streaming === true;
}

/** A JSON 1.x or AWS CBOR body read into a value, or what makes it unreadable; not yet checked (decodeInput). */
export type RpcBody =
  | { readonly cbor: boolean; readonly value: unknown; readonly escapes: boolean }
  | { readonly cbor: boolean; readonly problem: InputProblem };

const readBodies = new WeakMap<ApiRequest, RpcBody>();

/**
 * The one read of a JSON 1.x or AWS CBOR request body, memoised on the request: the IAM authorizer reads the
 * resource a request names (api-authorizer.ts) before the service decodes its input, and neither reads twice.
 */
export function rpcBodyOf(req: ApiRequest, cbor: boolean): RpcBody {
  const memo = readBodies.get(req);
  if (memo?.cbor === cbor) return memo;
  let read: RpcBody;
  try {
    read = cbor ? { cbor, value: readAwsCbor(req.body), escapes: false } : { cbor, ...readJson(req.body) };
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    read = { cbor, problem: err.problem };
  }
  readBodies.set(req, read);
  return read;
}

/** Each request's decoded input: `beforeAuth` runs on a scoped service's template, `handle` on its region's. */
const decodedInputs = new WeakMap<ApiRequest, Record<string, unknown>>();

/**
 * The body as the input structure. With `frontEnd`, what AWS's front end answers a body it cannot read: JSON
 * that does not parse, or is not a structure, gets a SerializationException naming only its type (a list:
 * "Start of list found where not expected"). Memoised on the request.
 */
function decodeInput(
  req: ApiRequest,
  isCbor: boolean,
  ownText: RpcServiceOptions['ownText'],
  frontEnd = false,
): Record<string, unknown> {
  const memo = decodedInputs.get(req);
  if (memo !== undefined) return memo;
  if (req.body.length === 0) return {};
  let value: unknown;
  try {
    const read = rpcBodyOf(req, isCbor);
    if ('problem' in read) throw new InputError(read.problem);
    value = read.value;
    if (isCbor) checkAwsCbor(req.body, value);
    else checkDocument(value, read.escapes, undefined, ownText);
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    if (frontEnd && err.problem.kind === 'syntax' && !isCbor) throw bareError('SerializationException');
    throw invalidInput(err.problem, isCbor);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    if (!frontEnd) throw Serialization('Start of structure or map found where not expected.');
    if (Array.isArray(value)) throw typeMismatch('Start of list found where not expected');
    throw bareError('SerializationException');
  }
  decodedInputs.set(req, value as Record<string, unknown>);
  return value as Record<string, unknown>;
}

/** AWS CBOR (cbor-x); checked by checkAwsCbor to the same rules as JSON. */
function readAwsCbor(body: Buffer): unknown {
  try {
    return cborDecode(body);
  } catch {
    // Includes a stack overflow on absurd nesting: the body is refused either way.
    throw new InputError({ kind: 'syntax' });
  }
}

/** AWS CBOR held to the same rules as JSON: text is UTF-8, nesting is bounded. */
function checkAwsCbor(body: Buffer, value: unknown): void {
  // cbor-x reads a text string that is not UTF-8 as U+FFFD: only then are the raw bytes checked.
  let replaced = false;
  checkDocument(value, false, (s) => (replaced ||= s.includes('\uFFFD')));
  if (replaced) {
    try {
      decodeCbor(body);
    } catch (err) {
      if (err instanceof CborTextError) throw new InputError({ kind: 'utf8' });
    }
  }
}

function invalidInput(problem: InputProblem, isCbor: boolean): AwsError {
  switch (problem.kind) {
    case 'syntax':
      return Serialization(
        isCbor ? 'Malformed CBOR request body.' : 'Start of structure or map found where not expected.',
      );
    case 'utf8':
      return Serialization(
        isCbor ? 'A CBOR text string is not valid UTF-8.' : 'The request body is not valid UTF-8.',
      );
    case 'depth':
      return Serialization(`The request body nests deeper than ${MAX_INPUT_DEPTH} levels.`);
    case 'text':
      return Serialization(
        `Invalid character ${problem.char} (an unpaired surrogate) in ${echo(problem.member)}.`,
      );
  }
}
