import type { ExecutionRoles } from '../iam/execution-roles.js';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import type { AppContext } from '../server/context.js';
import type { ApiRequest, Service } from '../server/http-types.js';
import type { ErrorProtocol } from '../server/serialize-error.js';
import { requestScope, type RequestScope } from '../server/request-scope.js';
import { scopedStore } from '../store/scoped-store.js';
import type { StartOptions } from './app.js';
import { buildRegion, type RegionComponents } from './region.js';

/** The server's own documents: which region the unprefixed data is, and which other regions have data. */
const SERVER_NS = 'tributary-server';
const HOME_ID = 'home-region';
const REGIONS_NS = 'tributary-regions';

/** Where a region's state lives in the one store, unless it is the home region's (unprefixed). */
function regionPrefix(region: string): string {
  return `region/${region}/`;
}

/**
 * The regions of one server. Each region has its own components (`buildRegion`), created when a request first
 * names it (the region of its SigV4 credential scope, `server/request-scope.ts`) or, after a restart, at start for
 * every region that has data. The "home" region's state is the store's unprefixed namespaces: data written before
 * regions existed (by one region, the `--region` of then) stays readable as that region's, and the home region is
 * recorded on the first start so that a later `--region` does not re-label it. Other regions' state is under
 * `region/<name>/` in the same store, and their function code under `<dataDir>/regions/<name>/lambda`.
 *
 * The default region (`--region`) is where unsigned requests act, and the region the App's accessors, the status
 * report and `/metrics` show.
 */
export class Regions {
  readonly #base: AppContext;
  readonly #opts: StartOptions;
  readonly #metrics: Registry;
  readonly #roles: ExecutionRoles;
  readonly #byName = new Map<string, RegionComponents>();
  readonly #creating = new Map<string, Promise<RegionComponents>>();
  readonly #scope: RequestScope;
  readonly home: string;
  readonly default: RegionComponents;
  #started = false;

  constructor(base: AppContext, opts: StartOptions, metrics: Registry, roles: ExecutionRoles) {
    this.#roles = roles;
    this.#base = base;
    this.#opts = opts;
    this.#metrics = metrics;
    this.#scope = { region: base.options.region, account: base.options.account };
    this.home = base.store.getDoc<{ region: string }>(SERVER_NS, HOME_ID)?.region ?? base.options.region;
    this.default = this.#build(base.options.region);
    for (const { id } of base.store.listDocs(REGIONS_NS)) if (!this.#byName.has(id)) this.#build(id);
    if (!this.#byName.has(this.home)) this.#build(this.home);
  }

  /** Every region with components, the default first. */
  all(): RegionComponents[] {
    return [...this.#byName.values()];
  }

  /** Starts every region known at start, after recording the home region (once, on the first start). */
  async start(): Promise<void> {
    if (this.#base.store.getDoc(SERVER_NS, HOME_ID) === undefined) {
      await this.#base.store.putDoc(SERVER_NS, HOME_ID, { region: this.home });
    }
    for (const r of this.all()) for (const c of r.components) await c.start?.();
    this.#started = true;
  }

  /** The region's components, created (recorded, built and started) on first use. */
  get(region: string): Promise<RegionComponents> {
    const known = this.#byName.get(region);
    if (known) return Promise.resolve(known);
    let creating = this.#creating.get(region);
    if (!creating) {
      creating = this.#create(region).finally(() => this.#creating.delete(region));
      this.#creating.set(region, creating);
    }
    return creating;
  }

  async #create(region: string): Promise<RegionComponents> {
    await this.#base.store.putDoc(REGIONS_NS, region, { region });
    const r = this.#build(region);
    if (this.#started) {
      try {
        for (const c of r.components) await c.start?.();
      } catch (err) {
        this.#byName.delete(region);
        for (const c of [...r.components].reverse()) await c.close().catch(() => undefined);
        throw err;
      }
    }
    return r;
  }

  #build(region: string): RegionComponents {
    const base = this.#base;
    const home = region === this.home;
    const ctx: AppContext = {
      options: {
        ...base.options,
        region,
        dataDir: home ? base.options.dataDir : join(base.options.dataDir, 'regions', region),
      },
      store: home ? base.store : scopedStore(base.store, regionPrefix(region)),
      log: region === base.options.region ? base.log : base.log.child({ region }),
      errors: base.errors,
      // Bound after the components are built (port 0 resolves then): read through to the App's.
      get endpoint() {
        return base.endpoint;
      },
    };
    // The default region's metrics are the ones `/metrics` shows; another region's are kept in its CloudWatch.
    const metrics = region === base.options.region ? this.#metrics : new Registry();
    const r = buildRegion(
      ctx,
      this.#opts,
      metrics,
      {
        // A region with no components has no queues, topics or functions: the ARN is then looked up (and not found)
        // in the region that asks.
        elsewhere: (arn) => {
          const named = arn.split(':')[3];
          return named === region ? undefined : this.#byName.get(named ?? '');
        },
      },
      this.#roles,
    );
    this.#byName.set(region, r);
    return r;
  }

  /**
   * The API services, answered in the request's region: each claims what the default region's claims (services
   * are alike in every region) and hands the request to its counterpart in the request's region.
   */
  services(): Service[] {
    return this.default.services.map((s, i) => {
      const protocol = (req: ApiRequest): ErrorProtocol => s.describe?.(req).protocol ?? 'json-1.1';
      const regional: Service = {
        name: s.name,
        matches: (req) => s.matches(req),
        handle: async (req) => {
          const { region } = requestScope(req, this.#scope, protocol(req));
          const r = region === this.default.region ? this.default : await this.get(region);
          return r.services[i]!.handle(req);
        },
      };
      const describe = s.describe?.bind(s);
      const isPublic = s.isPublic?.bind(s);
      return { ...regional, ...(describe ? { describe } : {}), ...(isPublic ? { isPublic } : {}) };
    });
  }
}
