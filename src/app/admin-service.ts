import type { Registry } from 'prom-client';
import type { ApiResponse, Service } from '../server/http-types.js';

/** Where the server is in its life: `ready` from the ready line to the first SIGINT/SIGTERM (or `App.close`). */
export type ServerState = 'starting' | 'ready' | 'stopping';

/** The answer of GET /_tributary/health. */
export interface Health {
  status: ServerState;
  /** Where data is kept: lmdb in the data dir, or memory (`--in-memory`). */
  store: 'lmdb' | 'memory';
  /** Tributary's version (package.json). */
  version: string;
}

export const HEALTH_PATH = '/_tributary/health';

/**
 * Serves `/metrics` (Prometheus text), `/_tributary/status` (JSON for `tributary status`) and `/_tributary/health`
 * (for scripts and compose files: 200 when ready, 503 while starting or stopping, with a Health body).
 */
export function adminService(registry: Registry, status: () => unknown, health: () => Health): Service {
  const paths = new Set(['/metrics', '/_tributary/status', HEALTH_PATH]);
  return {
    name: 'admin',
    matches: (req) => req.method === 'GET' && paths.has(req.path),
    // Health is for probes that hold no keys; status and metrics name streams and functions, so they are signed.
    isPublic: (req) => req.path === HEALTH_PATH,
    async handle(req): Promise<ApiResponse> {
      if (req.path === '/metrics') {
        return {
          status: 200,
          headers: { 'content-type': registry.contentType },
          body: await registry.metrics(),
        };
      }
      if (req.path === HEALTH_PATH) {
        const h = health();
        return {
          status: h.status === 'ready' ? 200 : 503,
          headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
          body: JSON.stringify(h),
        };
      }
      return { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(status()) };
    },
  };
}
