import type { Logger } from 'pino';
import { AwsError } from './errors.js';
import type { ApiResponse } from './http-types.js';
import { serializeError, type ErrorProtocol } from './serialize-error.js';

/**
 * The one error path of every service, like Hono's `onError`: an `AwsError` is the caller's answer, serialised
 * in the request's protocol; anything else is a bug in Tributary, logged once (request id, service, operation,
 * stack), counted (the sink the wiring gives, `countInto`: CloudWatch's `Tributary/Server` InternalErrors,
 * `/metrics`'s `tributary_internal_errors_total`, `tributary status`) and answered as the protocol's InternalFailure.
 */

/** Where an error happened: the request it answers and who was serving it. */
export interface ErrorSite {
  /** The service serving the request (`kinesis`, `sqs-query`, `lambda`...). */
  service: string;
  /** The operation (`PutRecord`), or undefined when the request named none this service has. */
  operation: string | undefined;
  /** The request's id, as its response reports it (`x-amzn-requestid`, `<RequestId>`). */
  requestId: string;
}

/** An ErrorSite plus the wire shape its answer takes. */
export interface ErrorResponseSite extends ErrorSite {
  protocol: ErrorProtocol;
}

/** The message of every InternalFailure a client sees; the details are in the server log, by request id. */
export const INTERNAL_FAILURE_MESSAGE = 'An internal error occurred.';

/**
 * Where the error path counts the bugs it reports: the service, and the operation when the request named one of
 * bounded form (undefined otherwise). The wiring (`src/app/`) gives one that records through the metric recorder;
 * this layer sits below every component and knows no recorder.
 */
export type InternalErrorSink = (service: string, operation: string | undefined) => void;

/** Operation names counted are bounded (a request can name anything; a series must not grow without end). */
const OPERATION_NAME = /^[A-Za-z0-9_.:-]{1,64}$/;

/** Sites counted before a sink was given, at most this many distinct ones (each with its count). */
const MAX_EARLY_SITES = 256;

/** Holds the logger and the sink the error path reports bugs to; one per server (`AppContext.errors`). */
export class ErrorPath {
  readonly #log: Logger;
  #sink: InternalErrorSink | undefined;
  /**
   * Bugs reported before `countInto` gave a sink, by site, to hand it then. The error path exists first (every
   * component is built with it) and the recorder is one of those components, so a sink can only come after: an
   * error in between (none is expected, as the port is bound once the components exist) is kept here, not lost.
   */
  readonly #early = new Map<string, { service: string; operation: string | undefined; count: number }>();

  constructor(log: Logger) {
    this.#log = log;
  }

  /** Counts every bug reported into `sink` from now on, first the ones reported before (once per server). */
  countInto(sink: InternalErrorSink): void {
    if (this.#sink) throw new Error('the error path already counts into a sink');
    this.#sink = sink;
    for (const { service, operation, count } of this.#early.values())
      for (let i = 0; i < count; i++) sink(service, operation);
    this.#early.clear();
  }

  /**
   * The AwsError the client is told about `err`. An AwsError is returned as is; anything else is a bug: it is
   * logged once at error level with the site and its stack, counted, and becomes InternalFailure (500).
   */
  toAwsError(err: unknown, site: ErrorSite): AwsError {
    if (err instanceof AwsError) return err;
    this.report(err, site);
    return new AwsError('InternalFailure', INTERNAL_FAILURE_MESSAGE, 500);
  }

  /** Logs `err` once at error level with the site and its stack, and counts it: for failures no AwsError names. */
  report(err: unknown, site: ErrorSite): void {
    this.#log.error(
      {
        err: err instanceof Error ? err : new Error(`non-Error thrown: ${describeThrown(err)}`),
        requestId: site.requestId,
        service: site.service,
        operation: site.operation,
      },
      `internal error in ${site.service}${site.operation === undefined ? '' : ` ${site.operation}`}`,
    );
    const operation =
      site.operation !== undefined && OPERATION_NAME.test(site.operation) ? site.operation : undefined;
    if (this.#sink) this.#sink(site.service, operation);
    else this.#countEarly(site.service, operation);
  }

  #countEarly(service: string, operation: string | undefined): void {
    const key = `${service}\0${operation ?? ''}`;
    const site = this.#early.get(key);
    if (site) site.count++;
    else if (this.#early.size < MAX_EARLY_SITES) this.#early.set(key, { service, operation, count: 1 });
    // Not silent: the error itself was just logged at error level; only its count is missing from the metric.
    else
      this.#log.warn(
        { service, operation },
        'internal error not counted: too many sites before metrics exist',
      );
  }
}

/**
 * The answer to a request that failed with `err`: an AwsError serialised in `site.protocol`; anything else
 * logged and counted once (see `ErrorPath.toAwsError`) and answered as InternalFailure, with the request id.
 * Every service's failures come through here (the router calls it for every service that throws).
 */
export function errorResponse(
  ctx: { readonly errors: ErrorPath },
  err: unknown,
  site: ErrorResponseSite,
): ApiResponse {
  return serializeError(ctx.errors.toAwsError(err, site), site.protocol, site.requestId);
}

function describeThrown(v: unknown): string {
  try {
    return String(v).slice(0, 200);
  } catch {
    return typeof v;
  }
}
