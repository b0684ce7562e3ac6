import type { Registry } from 'prom-client';
import type { Service } from './http-types.js';

/** Serves `/metrics` (Prometheus text) and `/_tributary/status` (JSON for `tributary status`). */
export function adminService(registry: Registry, status: () => unknown): Service {
  return {
    name: 'admin',
    matches: (req) => req.method === 'GET' && (req.path === '/metrics' || req.path === '/_tributary/status'),
    async handle(req) {
      if (req.path === '/metrics') {
        return {
          status: 200,
          headers: { 'content-type': registry.contentType },
          body: await registry.metrics(),
        };
      }
      return { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(status()) };
    },
  };
}
