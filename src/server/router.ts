import type { Logger } from 'pino';
import type { ApiRequest, ApiResponse, Service } from './http-types.js';
import { AwsError } from './errors.js';
import { serializeError } from './serialize-error.js';

/**
 * The one place requests are routed: services are asked in registration order (X-Amz-Target
 * services first, then path-based REST services, then query-protocol services).
 */
export class Router {
  readonly #services: Service[] = [];
  readonly #log: Logger;

  constructor(log: Logger) {
    this.#log = log;
  }

  add(service: Service): this {
    this.#services.push(service);
    return this;
  }

  dispatch = async (req: ApiRequest): Promise<ApiResponse> => {
    const started = process.hrtime.bigint();
    const service = this.#services.find((s) => s.matches(req));
    let res: ApiResponse;
    if (!service) {
      res = serializeError(
        new AwsError('UnknownOperationException', `No service handles ${req.method} ${req.path}`, 404),
        'json-1.1',
      );
    } else {
      try {
        res = await service.handle(req);
      } catch (err) {
        // Services serialise their own errors; reaching here is a bug, never a crash.
        this.#log.error({ err, service: service.name }, 'unhandled error in service');
        res = serializeError(new AwsError('InternalFailure', 'An internal error occurred.', 500), 'json-1.1');
      }
    }
    if (this.#log.isLevelEnabled('debug')) {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const target = req.headers['x-amz-target'];
      this.#log.debug(
        { service: service?.name, op: target ?? `${req.method} ${req.path}`, status: res.status, ms },
        'request',
      );
    }
    return res;
  };
}
