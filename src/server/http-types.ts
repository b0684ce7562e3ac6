import type { IncomingHttpHeaders } from 'node:http';

/** A request after the transport (HTTP/1.1 or HTTP/2) is stripped away. */
export interface ApiRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
  httpVersion: '1.1' | '2';
  /** Aborted when the client goes away (used by long polls and event streams). */
  signal: AbortSignal;
  /** host:port the client used, for building URLs (SQS queue URLs). */
  host: string;
}

export interface ApiResponseHeaders {
  [name: string]: string | number | string[];
}

/** A complete response, or a streaming one (HTTP/2 event streams, log follow). */
export type ApiResponse =
  | { status: number; headers?: ApiResponseHeaders; body?: Buffer | string }
  | { status: number; headers?: ApiResponseHeaders; stream: AsyncIterable<Uint8Array> };

/** One API family served on the shared port (Kinesis, Lambda, SQS...). */
export interface Service {
  readonly name: string;
  /** True when this request is addressed to this service. Checked in registration order. */
  matches(req: ApiRequest): boolean;
  handle(req: ApiRequest): Promise<ApiResponse>;
}
