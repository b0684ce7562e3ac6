import type { Logger } from 'pino';
import type { ApiRequest, ApiResponse, RequestDescription, Service } from './http-types.js';
import { AwsError } from './errors.js';
import { errorResponse, type ErrorPath } from './error-path.js';
import { isPreflight, preflightResponse, withCors } from './cors.js';
import { authError, isAuthProblem, type Authenticator } from './auth/authenticator.js';

/** Test-only hooks of the router (see `StartOptions.testHooks`). */
export interface TestHooks {
  /**
   * Called with each API request's service and operation just before the service handles it; whatever it throws
   * is what the operation throws. Tests make it throw a TypeError for one operation to check the error path.
   */
  beforeOperation?(site: { service: string; operation: string | undefined; requestId: string }): void;
}

/**
 * Decides whether the verified signer of a request may perform its operation (IAM policies, `--iam enforce`);
 * throws the protocol's AccessDenied when not.
 */
export type RequestAuthorizer = (
  req: ApiRequest,
  site: { service: string; operation: string | undefined; protocol: RequestDescription['protocol'] },
) => void;

const NO_SERVICE: RequestDescription = { operation: undefined, protocol: 'json-1.1' };

/**
 * The one place requests are routed: services are asked in registration order (X-Amz-Target
 * services first, then path-based REST services, then query-protocol services). It is also the one place
 * their failures are answered: whatever a service throws goes through `errorResponse`.
 */
export class Router {
  readonly #services: Service[] = [];
  readonly #log: Logger;
  readonly #ctx: { readonly errors: ErrorPath };
  readonly #hooks: TestHooks | undefined;
  /** While set, requests to any service but `except` are answered with `error` (a server shutting down). */
  #refusal: { error: AwsError; except: string } | undefined;
  /** Set when signatures are checked (`auth on`): every request to a service, but its public ones, is verified. */
  readonly #auth: Authenticator | undefined;

  readonly #authorize: RequestAuthorizer | undefined;

  constructor(
    log: Logger,
    errors: ErrorPath,
    hooks?: TestHooks,
    auth?: Authenticator,
    authorize?: RequestAuthorizer,
  ) {
    this.#log = log;
    this.#ctx = { errors };
    this.#hooks = hooks;
    this.#auth = auth;
    this.#authorize = authorize;
  }

  /**
   * Checks the request's SigV4 signature and records its signer on it (`req.auth`); a request that fails is
   * refused with AWS's error for the service's protocol family (authenticator.ts).
   */
  #authenticate(service: Service, req: ApiRequest): void {
    if (!this.#auth || service.isPublic?.(req)) return;
    const verdict = this.#auth.verify(req);
    if (isAuthProblem(verdict)) throw authError(verdict, this.#describe(service, req).protocol);
    req.auth = verdict;
    if (this.#authorize) {
      const d = this.#describe(service, req);
      this.#authorize(req, {
        service: d.service ?? service.name,
        operation: d.operation,
        protocol: d.protocol,
      });
    }
  }

  add(service: Service): this {
    this.#services.push(service);
    return this;
  }

  /**
   * From now on every request is answered with `error`, in its service's protocol, except those of the service
   * named `except` (the admin service: health and metrics go on answering while the server stops).
   */
  refuse(error: AwsError, except: string): void {
    this.#refusal = { error, except };
  }

  /**
   * The service's description of a request (for the error path and test hooks). A description that itself fails
   * is a bug: reported like any other, and the request is described by the defaults.
   */
  #describe(service: Service, req: ApiRequest): RequestDescription {
    if (!service.describe) return NO_SERVICE;
    try {
      return service.describe(req);
    } catch (err) {
      this.#ctx.errors.report(err, { service: service.name, operation: undefined, requestId: req.requestId });
      return NO_SERVICE;
    }
  }

  dispatch = async (req: ApiRequest): Promise<ApiResponse> => {
    const started = process.hrtime.bigint();
    // CORS preflights are answered here for every service (cors.ts); no service sees an OPTIONS request.
    const service = isPreflight(req) ? undefined : this.#services.find((s) => s.matches(req));
    let res: ApiResponse;
    if (isPreflight(req)) {
      res = preflightResponse(req);
    } else if (!service) {
      res = errorResponse(
        this.#ctx,
        new AwsError('UnknownOperationException', `No service handles ${req.method} ${req.path}`, 404),
        { service: 'router', ...NO_SERVICE, requestId: req.requestId },
      );
    } else {
      try {
        if (this.#refusal && service.name !== this.#refusal.except) throw this.#refusal.error;
        // What AWS's front end refuses before it looks at the signature (an unknown target, an unreadable body).
        service.beforeAuth?.(req);
        this.#authenticate(service, req);
        const hooks = this.#hooks;
        if (hooks?.beforeOperation) {
          const d = this.#describe(service, req);
          hooks.beforeOperation({
            service: d.service ?? service.name,
            operation: d.operation,
            requestId: req.requestId,
          });
        }
        res = await service.handle(req);
      } catch (err) {
        const d = this.#describe(service, req);
        res = errorResponse(this.#ctx, err, {
          service: d.service ?? service.name,
          operation: d.operation,
          protocol: d.protocol,
          requestId: req.requestId,
        });
      }
    }
    if (service?.answerHeaders)
      res = { ...res, headers: { ...service.answerHeaders(req), ...(res.headers ?? {}) } };
    res = withCors(res);
    if ('hangUp' in res && res.hangUp === true)
      this.#log.debug(
        { service: service?.name, requestId: req.requestId, path: req.path },
        `hanging up on a ${req.method} no service routes, as AWS does`,
      );
    if (this.#log.isLevelEnabled('debug')) {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const target = req.headers['x-amz-target'];
      this.#log.debug(
        {
          service: service?.name,
          op: target ?? `${req.method} ${req.path}`,
          status: res.status,
          ms,
          requestId: req.requestId,
        },
        'request',
      );
    }
    return res;
  };
}
