import type { AppContext, Component } from '../server/context.js';
import { queryOperations, type AnyOperation } from '../server/operations.js';
import { queryService } from '../server/protocols/query.js';
import {
  assumeRole,
  getCallerIdentity,
  getSessionToken,
  type StsContext,
} from '../sts/actions/sts-actions.js';
import {
  attachRolePolicy,
  attachUserPolicy,
  detachRolePolicy,
  detachUserPolicy,
  listAttachedRolePolicies,
  listAttachedUserPolicies,
} from './actions/attached-policies.js';
import {
  deleteRolePolicy,
  deleteUserPolicy,
  getRolePolicy,
  getUserPolicy,
  listRolePolicies,
  listUserPolicies,
  putRolePolicy,
  putUserPolicy,
} from './actions/inline-policies.js';
import { createPolicy, deletePolicy, getPolicy, getPolicyVersion, listPolicies } from './actions/policies.js';
import { createRole, deleteRole, getRole, listRoles, updateAssumeRolePolicy } from './actions/roles.js';
import {
  createAccessKey,
  createUser,
  deleteAccessKey,
  deleteUser,
  getUser,
  listAccessKeys,
  listUsers,
} from './actions/users.js';
import { IAM_DIALECT } from './errors.js';
import type { IamContext } from './iam-action.js';
import type { IamRegistry } from './iam-registry.js';
import { IamAccounts } from './iam-accounts.js';
import type { Service } from '../server/http-types.js';
import { scopedService } from '../server/scoped-service.js';

const IAM_OPERATIONS: Record<string, AnyOperation<IamContext>> = {
  AttachRolePolicy: attachRolePolicy,
  AttachUserPolicy: attachUserPolicy,
  CreateAccessKey: createAccessKey,
  CreatePolicy: createPolicy,
  CreateRole: createRole,
  CreateUser: createUser,
  DeleteAccessKey: deleteAccessKey,
  DeletePolicy: deletePolicy,
  DeleteRole: deleteRole,
  DeleteRolePolicy: deleteRolePolicy,
  DeleteUser: deleteUser,
  DeleteUserPolicy: deleteUserPolicy,
  DetachRolePolicy: detachRolePolicy,
  DetachUserPolicy: detachUserPolicy,
  GetPolicy: getPolicy,
  GetPolicyVersion: getPolicyVersion,
  GetRole: getRole,
  GetRolePolicy: getRolePolicy,
  GetUser: getUser,
  GetUserPolicy: getUserPolicy,
  ListAccessKeys: listAccessKeys,
  ListAttachedRolePolicies: listAttachedRolePolicies,
  ListAttachedUserPolicies: listAttachedUserPolicies,
  ListPolicies: listPolicies,
  ListRolePolicies: listRolePolicies,
  ListRoles: listRoles,
  ListUserPolicies: listUserPolicies,
  ListUsers: listUsers,
  PutRolePolicy: putRolePolicy,
  PutUserPolicy: putUserPolicy,
  UpdateAssumeRolePolicy: updateAssumeRolePolicy,
};

const STS_OPERATIONS: Record<string, AnyOperation<StsContext>> = {
  AssumeRole: assumeRole,
  GetCallerIdentity: getCallerIdentity,
  GetSessionToken: getSessionToken,
};

/**
 * The IAM component: IAM's and STS's query APIs on the shared port, answered in the account of the request's
 * signer (each account has its own roles, users and policies, as on AWS), and the registries other components ask.
 */
export interface Iam extends Component {
  /** Every account's registry; also the credential source of IAM users' keys and STS sessions. */
  readonly accounts: IamAccounts;
  /** Whether policies are enforced (`--iam enforce`). */
  readonly enforce: boolean;
}

/** `accounts`: the configured accounts other than the default one (`ctx.options.account`). */
export function createIam(ctx: AppContext, enforce: boolean, accounts: readonly string[] = []): Iam {
  const all = new IamAccounts(ctx, accounts);
  const byAccount = new Map(
    all.all().map((registry) => [registry.account, accountServices(ctx, registry, all, enforce)]),
  );
  const template = byAccount.get(ctx.options.account)!;
  const defaults = { region: ctx.options.region, account: ctx.options.account };
  return {
    name: 'iam',
    accounts: all,
    enforce,
    services: template.map((s, i) =>
      scopedService(s, defaults, ({ account }) => {
        // Only configured accounts' keys verify, and an unsigned request is the default account's.
        const own = byAccount.get(account);
        if (!own) throw new Error(`no IAM for account ${account}`);
        return own[i]!;
      }),
    ),
    async close() {},
  };
}

/** One account's IAM and STS services. */
function accountServices(
  ctx: AppContext,
  registry: IamRegistry,
  accounts: IamAccounts,
  enforce: boolean,
): Service[] {
  const iamActions = queryOperations(
    { context: { registry }, operations: IAM_OPERATIONS, dialect: IAM_DIALECT, errors: ctx.errors },
    'iam',
    { scalars: 'typed' },
  );
  const stsActions = queryOperations(
    {
      context: { registry, accounts, enforce },
      operations: STS_OPERATIONS,
      dialect: IAM_DIALECT,
      errors: ctx.errors,
    },
    'sts',
    { scalars: 'typed' },
  );
  return [
    queryService({
      name: 'iam',
      version: '2010-05-08',
      xmlns: 'https://iam.amazonaws.com/doc/2010-05-08/',
      actions: iamActions,
    }),
    queryService({
      name: 'sts',
      version: '2011-06-15',
      xmlns: 'https://sts.amazonaws.com/doc/2011-06-15/',
      actions: stsActions,
    }),
  ];
}
