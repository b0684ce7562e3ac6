import { operation } from '../../server/operations.js';
import { list, required, string, structure } from '../../server/shapes.js';
import { noSuchEntity } from '../errors.js';
import {
  MARKER,
  MAX_ITEMS,
  NAME,
  POLICY_DOCUMENT,
  encodedDocument,
  page,
  type IamContext,
} from '../iam-action.js';
import { parsePolicy, type IamRegistry } from '../iam-registry.js';

/** Put/Get/Delete/List{Role,User}Policy(ies): inline policies embedded in a role or a user. */

function holder(reg: IamRegistry, kind: 'Role' | 'User', name: string) {
  if (kind === 'Role') {
    const r = reg.role(name);
    return { inline: r.inline, save: () => reg.saveRole(r) };
  }
  const u = reg.user(name);
  return { inline: u.inline, save: () => reg.saveUser(u) };
}

function put(kind: 'Role' | 'User') {
  return operation({
    input: structure({
      [`${kind}Name`]: required(NAME(64)),
      PolicyName: required(NAME(128)),
      PolicyDocument: required(POLICY_DOCUMENT),
    }),
    async run(iam: IamContext, input: Record<string, string>) {
      const doc = input['PolicyDocument']!;
      parsePolicy(doc);
      const h = holder(iam.registry, kind, input[`${kind}Name`]!);
      h.inline[input['PolicyName']!] = doc;
      await h.save();
      return {};
    },
  });
}

function get(kind: 'Role' | 'User') {
  return operation({
    input: structure({ [`${kind}Name`]: required(NAME(64)), PolicyName: required(NAME(128)) }),
    output: structure({ [`${kind}Name`]: string(), PolicyName: string(), PolicyDocument: string() }),
    async run(iam: IamContext, input: Record<string, string>) {
      const name = input[`${kind}Name`]!;
      const policyName = input['PolicyName']!;
      const doc = holder(iam.registry, kind, name).inline[policyName];
      if (doc === undefined)
        throw noSuchEntity(`The ${kind.toLowerCase()} policy with name ${policyName} cannot be found.`);
      return { [`${kind}Name`]: name, PolicyName: policyName, PolicyDocument: encodedDocument(doc) };
    },
  });
}

function remove(kind: 'Role' | 'User') {
  return operation({
    input: structure({ [`${kind}Name`]: required(NAME(64)), PolicyName: required(NAME(128)) }),
    async run(iam: IamContext, input: Record<string, string>) {
      const h = holder(iam.registry, kind, input[`${kind}Name`]!);
      const policyName = input['PolicyName']!;
      if (!(policyName in h.inline))
        throw noSuchEntity(`The ${kind.toLowerCase()} policy with name ${policyName} cannot be found.`);
      delete h.inline[policyName];
      await h.save();
      return {};
    },
  });
}

function names(kind: 'Role' | 'User') {
  return operation({
    input: structure({ [`${kind}Name`]: required(NAME(64)), Marker: MARKER, MaxItems: MAX_ITEMS }),
    output: structure({ PolicyNames: list(string()), IsTruncated: { type: 'boolean' }, Marker: string() }),
    async run(iam: IamContext, input: Record<string, unknown>) {
      const h = holder(iam.registry, kind, input[`${kind}Name`] as string);
      const { items, ...rest } = page(
        Object.keys(h.inline).sort(),
        input['Marker'] as string | undefined,
        input['MaxItems'] as number | undefined,
      );
      return { PolicyNames: items, ...rest };
    },
  });
}

export const putRolePolicy = put('Role');
export const getRolePolicy = get('Role');
export const deleteRolePolicy = remove('Role');
export const listRolePolicies = names('Role');
export const putUserPolicy = put('User');
export const getUserPolicy = get('User');
export const deleteUserPolicy = remove('User');
export const listUserPolicies = names('User');
