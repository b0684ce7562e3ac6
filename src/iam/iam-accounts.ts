import type { AppContext } from '../server/context.js';
import type { Credential, CredentialSource } from '../server/auth/authenticator.js';
import { accountPrefix } from '../server/request-scope.js';
import { scopedStore } from '../store/scoped-store.js';
import { IamRegistry } from './iam-registry.js';

/**
 * Every configured account's IAM: one `IamRegistry` per account (its roles, users, keys, policies and STS
 * sessions), the default account's over the store's unprefixed namespaces (as before accounts), another's under
 * `account/<id>/`. As a CredentialSource it finds a key in whichever account holds it: a user's key signs as that
 * account's user, a session as the principal it was issued to (an assumed role's session is its role's account's).
 */
export class IamAccounts implements CredentialSource {
  readonly #byId = new Map<string, IamRegistry>();
  readonly default: IamRegistry;

  /** `accounts`: the other configured accounts (the default one is `ctx.options.account`). */
  constructor(ctx: AppContext, accounts: readonly string[]) {
    const home = ctx.options.account;
    for (const account of [home, ...accounts]) {
      const prefix = accountPrefix(account, home);
      const own: AppContext = {
        ...ctx,
        options: { ...ctx.options, account },
        store: prefix === '' ? ctx.store : scopedStore(ctx.store, prefix),
      };
      this.#byId.set(account, new IamRegistry(own));
    }
    this.default = this.#byId.get(home)!;
  }

  /** The account's registry, or undefined for an account this server does not have. */
  of(account: string): IamRegistry | undefined {
    return this.#byId.get(account);
  }

  /**
   * The registry of an account a verified request acts in (its signer's, or the default one): one the server has,
   * since only configured accounts' keys verify.
   */
  registry(account: string): IamRegistry {
    const r = this.#byId.get(account);
    if (!r) throw new Error(`no IAM for account ${account}: only configured accounts' keys sign requests`);
    return r;
  }

  all(): IamRegistry[] {
    return [...this.#byId.values()];
  }

  lookup(accessKeyId: string): Credential | undefined {
    for (const r of this.#byId.values()) {
      const c = r.lookup(accessKeyId);
      if (c) return c;
    }
    return undefined;
  }
}
