import type { Logger } from 'pino';
import { Counter, type Registry } from 'prom-client';
import { AwsError } from './errors.js';
import type { ApiResponse } from './http-types.js';
import { serializeError, type ErrorProtocol } from './serialize-error.js';

/**
 * The one error path of every service, like Hono's `onError`: an `AwsError` is the caller's answer, serialised
 * in the request's protocol; anything else is a bug in Tributary, logged once (request id, service, operation,
 * stack), counted in `tributary_internal_errors_total` and answered as the protocol's InternalFailure.
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

/** Operation label values are bounded (a request can name anything; the label must not grow without end). */
const OPERATION_LABEL = /^[A-Za-z0-9_.:-]{1,64}$/;

/** Holds the logger and the counter the error path reports bugs to; one per server (`AppContext.errors`). */
export class ErrorPath {
  readonly #log: Logger;
  readonly #counter: Counter<'service' | 'operation'>;

  constructor(log: Logger, registry: Registry) {
    this.#log = log;
    this.#counter = new Counter({
      name: 'tributary_internal_errors_total',
      help: 'Requests (or batch entries) that failed with an unexpected error, answered as InternalFailure',
      labelNames: ['service', 'operation'],
      registers: [registry],
    });
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
      site.operation !== undefined && OPERATION_LABEL.test(site.operation) ? site.operation : '';
    this.#counter.inc({ service: site.service, operation });
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
