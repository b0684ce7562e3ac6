import type { IncomingHttpHeaders } from 'node:http';
import type { ErrorProtocol } from './serialize-error.js';
import type { RequestAuth } from './auth/authenticator.js';

/** A request after the transport (HTTP/1.1 or HTTP/2) is stripped away. */
export interface ApiRequest {
  method: string;
  /** Path without the query string, percent-decoded. */
  path: string;
  /** The path as sent (still percent-encoded), which SigV4 signs. @default `path` encoded again */
  rawPath?: string;
  query: URLSearchParams;
  /** The query string as sent (still percent-encoded, without `?`), for readers stricter than URLSearchParams. */
  search?: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  httpVersion: '1.1' | '2';
  /**
   * Aborted when the client goes away, or the server starts shutting down (used by long polls and event streams,
   * which then end early).
   */
  signal: AbortSignal;
  /** host:port the client used, for building URLs (SQS queue URLs). */
  host: string;
  /** This request's id (a UUID given by the listener): the `x-amzn-requestid` of its answer, and in its logs. */
  requestId: string;
  /** The verified signer and credential scope, when signatures are checked (set by the router). */
  auth?: RequestAuth;
}

export interface ApiResponseHeaders {
  [name: string]: string | number | string[];
}

/**
 * A complete response, or a streaming one (HTTP/2 event streams, log follow). `hangUp`: no answer at all, the
 * connection (HTTP/2: the stream) is dropped, as AWS's front end does to a DELETE no service routes; its `status`
 * is only what logs record (`HANG_UP_STATUS`).
 */
export type ApiResponse =
  | { status: number; headers?: ApiResponseHeaders; body?: Buffer | string; hangUp?: true }
  | { status: number; headers?: ApiResponseHeaders; stream: AsyncIterable<Uint8Array> };

/** One API family served on the shared port (Kinesis, Lambda, SQS...). */
export interface Service {
  readonly name: string;
  /** True when this request is addressed to this service. Checked in registration order. */
  matches(req: ApiRequest): boolean;
  /**
   * Answers the request. Errors are thrown, not answered: the router sends whatever `handle` throws through the
   * one error path (`errorResponse`), in the shape `describe` names.
   */
  handle(req: ApiRequest): Promise<ApiResponse>;
  /** The operation a request names and the protocol its errors are answered in. @default json-1.1, no operation */
  describe?(req: ApiRequest): RequestDescription;
  /**
   * The checks AWS's front end makes before it authenticates a request (a target naming no operation, a body it
   * cannot read, a content type it does not take): throws their error, which the router answers without checking
   * the signature. Work done here may be memoised on the request for `handle`.
   */
  beforeAuth?(req: ApiRequest): void;
  /** True for requests served without a signature even when signatures are checked (health checks). */
  isPublic?(req: ApiRequest): boolean;
  /** Headers every answer of this service carries, errors included (Kinesis's: `x-amz-id-2`, as AWS sends it). */
  answerHeaders?(req: ApiRequest): ApiResponseHeaders;
}

/** The status logs record for a `hangUp` response (nginx's "no response" code: nothing is sent). */
export const HANG_UP_STATUS = 444;

/** What the error path needs to know of a request, from the service that claimed it. */
export interface RequestDescription {
  /** The operation, when the request names one the service has. */
  operation: string | undefined;
  protocol: ErrorProtocol;
  /**
   * The service logs and metrics name, when it is not the Service's own name: one REST API whose route table
   * several components contribute to (Lambda's: functions, and `lambda-event-source-mappings`).
   */
  service?: string;
}
