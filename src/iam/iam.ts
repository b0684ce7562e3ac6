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
import { IamRegistry } from './iam-registry.js';

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

/** The IAM component: IAM's and STS's query APIs on the shared port, and the registry other components ask. */
export interface Iam extends Component {
  readonly registry: IamRegistry;
  /** Whether policies are enforced (`--iam enforce`). */
  readonly enforce: boolean;
}

export function createIam(ctx: AppContext, enforce: boolean): Iam {
  const registry = new IamRegistry(ctx);
  const iamActions = queryOperations(
    { context: { registry }, operations: IAM_OPERATIONS, dialect: IAM_DIALECT, errors: ctx.errors },
    'iam',
    { scalars: 'typed' },
  );
  const stsActions = queryOperations(
    { context: { registry, enforce }, operations: STS_OPERATIONS, dialect: IAM_DIALECT, errors: ctx.errors },
    'sts',
    { scalars: 'typed' },
  );
  return {
    name: 'iam',
    registry,
    enforce,
    services: [
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
    ],
    async close() {},
  };
}
