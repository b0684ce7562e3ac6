import type { ExecutionRoles } from '../iam/execution-roles.js';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import type { AppContext } from '../server/context.js';
import type { Service } from '../server/http-types.js';
import { accountPrefix, type RequestScope } from '../server/request-scope.js';
import { scopedService } from '../server/scoped-service.js';
import { denyCrossAccount } from '../iam/api-authorizer.js';
import { scopedStore } from '../store/scoped-store.js';
import type { StartOptions } from './app.js';
import { buildRegion, type RegionComponents } from './region.js';

/**
 * The server's own documents: which region the unprefixed data is, and which other regions have data (per
 * account, under the account's prefix).
 */
const SERVER_NS = 'tributary-server';
const HOME_ID = 'home-region';
const REGIONS_NS = 'tributary-regions';

/** Where an account's region's state lives in the one store, unless it is the home region's (unprefixed). */
function regionPrefix(account: string, defaultAccount: string, region: string): string {
  return `${accountPrefix(account, defaultAccount)}region/${region}/`;
}

/** The key of an account's region. */
const keyOf = (account: string, region: string): string => `${account}/${region}`;

/**
 * The regions of one server, per account. Each account's region has its own components (`buildRegion`), created
 * when a request first names it (the region of its SigV4 credential scope and the account of the key that signed
 * it, `server/request-scope.ts`) or, after a restart, at start for every region of a configured account that has
 * data. The default account's "home" region's state is the store's unprefixed namespaces: data written before
 * regions existed (by one region, the `--region` of then) stays readable as that region's, and the home region is
 * recorded on the first start so that a later `--region` does not re-label it. The default account's other
 * regions' state is under `region/<name>/` in the same store, and their function code under
 * `<dataDir>/regions/<name>/lambda`; another account's under `account/<id>/region/<name>/` and
 * `<dataDir>/accounts/<id>/regions/<name>/lambda` (so data from before accounts is the default account's).
 *
 * The default region (`--region`) of the default account (`--account`) is where unsigned requests act, and the
 * region the App's accessors, the status report and `/metrics` show.
 */
export class Regions {
  readonly #base: AppContext;
  readonly #opts: StartOptions;
  readonly #metrics: Registry;
  readonly #roles: (account: string) => ExecutionRoles;
  /** By account and region (`keyOf`). */
  readonly #byName = new Map<string, RegionComponents>();
  readonly #creating = new Map<string, Promise<RegionComponents>>();
  readonly #scope: RequestScope;
  /** Every configured account, the default one included. */
  readonly #accounts: ReadonlySet<string>;
  readonly home: string;
  readonly default: RegionComponents;
  #started = false;

  /**
   * `accounts`: the other configured accounts, whose regions with data are built at start; `roles`: each account's
   * execution roles (IAM is per account).
   */
  constructor(
    base: AppContext,
    opts: StartOptions,
    metrics: Registry,
    roles: (account: string) => ExecutionRoles,
    accounts: readonly string[] = [],
  ) {
    this.#roles = roles;
    this.#accounts = new Set([base.options.account, ...accounts]);
    this.#base = base;
    this.#opts = opts;
    this.#metrics = metrics;
    this.#scope = { region: base.options.region, account: base.options.account };
    this.home = base.store.getDoc<{ region: string }>(SERVER_NS, HOME_ID)?.region ?? base.options.region;
    const account = base.options.account;
    this.default = this.#build(base.options.region, account);
    for (const a of [account, ...accounts]) {
      const prefix = accountPrefix(a, account);
      for (const { id } of base.store.listDocs(`${prefix}${REGIONS_NS}`))
        if (!this.#byName.has(keyOf(a, id))) this.#build(id, a);
    }
    if (!this.#byName.has(keyOf(account, this.home))) this.#build(this.home, account);
  }

  /** Every region of every account with components, the default first. */
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

  /** The account's region's components, created (recorded, built and started) on first use. */
  get(region: string, account = this.#base.options.account): Promise<RegionComponents> {
    const key = keyOf(account, region);
    const known = this.#byName.get(key);
    if (known) return Promise.resolve(known);
    let creating = this.#creating.get(key);
    if (!creating) {
      creating = this.#create(region, account).finally(() => this.#creating.delete(key));
      this.#creating.set(key, creating);
    }
    return creating;
  }

  async #create(region: string, account: string): Promise<RegionComponents> {
    const prefix = accountPrefix(account, this.#base.options.account);
    await this.#base.store.putDoc(`${prefix}${REGIONS_NS}`, region, { region });
    const r = this.#build(region, account);
    if (this.#started) {
      try {
        for (const c of r.components) await c.start?.();
      } catch (err) {
        this.#byName.delete(keyOf(account, region));
        await this.#closeAfterFailedStart(r);
        throw err;
      }
    }
    return r;
  }

  /**
   * Closes every region's components after `start` failed (the caller closes the store). A component that fails to
   * close is logged: the start's own error is the one thrown.
   */
  async closeAfterFailedStart(): Promise<void> {
    for (const r of this.all()) await this.#closeAfterFailedStart(r);
  }

  async #closeAfterFailedStart(r: RegionComponents): Promise<void> {
    for (const c of [...r.components].reverse()) {
      await c
        .close()
        .catch((err: unknown) =>
          this.#base.log.warn({ err }, 'closing a component after a failed start failed'),
        );
    }
  }

  #build(region: string, account: string): RegionComponents {
    const base = this.#base;
    const defaultAccount = account === base.options.account;
    const home = defaultAccount && region === this.home;
    const isDefault = defaultAccount && region === base.options.region;
    const dataDir = defaultAccount
      ? join(base.options.dataDir, 'regions', region)
      : join(base.options.dataDir, 'accounts', account, 'regions', region);
    const ctx: AppContext = {
      options: { ...base.options, region, account, dataDir: home ? base.options.dataDir : dataDir },
      store: home ? base.store : scopedStore(base.store, regionPrefix(account, base.options.account, region)),
      log: isDefault ? base.log : base.log.child(defaultAccount ? { region } : { account, region }),
      errors: base.errors,
      // Bound after the components are built (port 0 resolves then): read through to the App's.
      get endpoint() {
        return base.endpoint;
      },
    };
    // The default region's metrics are the ones `/metrics` shows; another region's are kept in its CloudWatch.
    const metrics = isDefault ? this.#metrics : new Registry();
    const r = buildRegion(
      ctx,
      this.#opts,
      metrics,
      {
        // A region with no components has no queues, topics or functions: the ARN is then looked up (and not found)
        // in the region that asks. An ARN names its account too: another account's resources are its regions'.
        elsewhere: (arn) => {
          const [, , , named = '', owner = ''] = arn.split(':');
          return named === region && owner === account ? undefined : this.#byName.get(keyOf(owner, named));
        },
      },
      this.#roles(account),
    );
    this.#byName.set(keyOf(account, region), r);
    return r;
  }

  /**
   * The API services, answered in the request's region: each claims what the default region's claims (services
   * are alike in every region) and hands the request to its counterpart in the request's region.
   */
  services(): Service[] {
    return this.default.services.map((s, i) =>
      scopedService(s, this.#scope, async (scope, req) => {
        // Another account's resources are out of reach (no resource-based policies: api-authorizer.ts); a server
        // of one account has no other.
        if (this.#accounts.size > 1) {
          const d = s.describe?.(req);
          const site = {
            service: d?.service ?? s.name,
            operation: d?.operation,
            protocol: d?.protocol ?? 'json-1.1',
          };
          denyCrossAccount(req, site, scope, this.#accounts);
        }
        return (await this.get(scope.region, scope.account)).services[i]!;
      }),
    );
  }
}
