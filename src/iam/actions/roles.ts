import { operation } from '../../server/operations.js';
import { integer, list, required, string, structure } from '../../server/shapes.js';
import {
  MARKER,
  MAX_ITEMS,
  NAME,
  PATH,
  POLICY_DOCUMENT,
  ROLE,
  page,
  roleOut,
  type IamContext,
} from '../iam-action.js';
import { parsePolicy } from '../iam-registry.js';

/** CreateRole, GetRole, ListRoles, DeleteRole (IAM API reference). */

export const createRole = operation({
  input: structure({
    RoleName: required(NAME(64)),
    Path: PATH,
    AssumeRolePolicyDocument: required(POLICY_DOCUMENT),
    Description: string({ max: 1000 }),
    MaxSessionDuration: integer({ min: 3600, max: 43200 }),
  }),
  output: structure({ Role: ROLE }),
  async run(iam: IamContext, input) {
    const r = await iam.registry.createRole({
      RoleName: input.RoleName,
      Path: input.Path ?? '/',
      AssumeRolePolicyDocument: input.AssumeRolePolicyDocument,
      ...(input.Description !== undefined ? { Description: input.Description } : {}),
      MaxSessionDuration: input.MaxSessionDuration ?? 3600,
    });
    return { Role: roleOut(r) };
  },
});

export const getRole = operation({
  input: structure({ RoleName: required(NAME(64)) }),
  output: structure({ Role: ROLE }),
  async run(iam: IamContext, input) {
    return { Role: roleOut(iam.registry.role(input.RoleName)) };
  },
});

export const listRoles = operation({
  input: structure({ PathPrefix: string({ min: 1, max: 512 }), Marker: MARKER, MaxItems: MAX_ITEMS }),
  output: structure({ Roles: list(ROLE), IsTruncated: { type: 'boolean' }, Marker: string() }),
  async run(iam: IamContext, input) {
    const all = [...iam.registry.roles.values()]
      .filter((r) => r.Path.startsWith(input.PathPrefix ?? '/'))
      .sort((a, b) => (a.RoleName < b.RoleName ? -1 : 1));
    const { items, ...rest } = page(all, input.Marker, input.MaxItems);
    return { Roles: items.map(roleOut), ...rest };
  },
});

export const deleteRole = operation({
  input: structure({ RoleName: required(NAME(64)) }),
  async run(iam: IamContext, input) {
    await iam.registry.deleteRole(input.RoleName);
    return {};
  },
});

export const updateAssumeRolePolicy = operation({
  input: structure({ RoleName: required(NAME(64)), PolicyDocument: required(POLICY_DOCUMENT) }),
  async run(iam: IamContext, input) {
    const r = iam.registry.role(input.RoleName);
    parsePolicy(input.PolicyDocument);
    await iam.registry.saveRole({ ...r, AssumeRolePolicyDocument: input.PolicyDocument });
    return {};
  },
});
