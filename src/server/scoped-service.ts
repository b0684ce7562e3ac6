import type { ApiRequest, Service } from './http-types.js';
import { requestScope, type RequestScope } from './request-scope.js';

/**
 * A service answered in the request's scope (`request-scope.ts`): where the same service exists once per region
 * and account (`app/regions.ts`), or once per account (IAM, STS), `template` (any one of them: they are alike)
 * claims and describes requests, and `pick` hands each to the instance of its region and account. The scope is
 * derived once here, so every such service reads it alike.
 */
export function scopedService(
  template: Service,
  defaults: RequestScope,
  pick: (scope: RequestScope, req: ApiRequest) => Service | Promise<Service>,
): Service {
  const protocol = (req: ApiRequest) => template.describe?.(req).protocol ?? 'json-1.1';
  const scoped: Service = {
    name: template.name,
    matches: (req) => template.matches(req),
    handle: async (req) => (await pick(requestScope(req, defaults, protocol(req)), req)).handle(req),
  };
  const describe = template.describe?.bind(template);
  const isPublic = template.isPublic?.bind(template);
  // The front end's checks before authentication are the template's: they look at nothing region-specific.
  const beforeAuth = template.beforeAuth?.bind(template);
  const answerHeaders = template.answerHeaders?.bind(template);
  return {
    ...scoped,
    ...(describe ? { describe } : {}),
    ...(isPublic ? { isPublic } : {}),
    ...(beforeAuth ? { beforeAuth } : {}),
    ...(answerHeaders ? { answerHeaders } : {}),
  };
}
