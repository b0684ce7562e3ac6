import { operation } from '../../server/operations.js';
import { required, string, structure } from '../../server/shapes.js';
import { ATTACHED, MARKER, MAX_ITEMS, NAME, POLICY_ARN, page, type IamContext } from '../iam-action.js';
import type { IamRegistry } from '../iam-registry.js';
import { noSuchEntity } from '../errors.js';

/** Attach/Detach/ListAttached{Role,User}Policies: managed policies attached to a role or a user. */

type Holder = { attached: string[] };

function holder(reg: IamRegistry, kind: 'Role' | 'User', name: string): Holder & { save(): Promise<void> } {
  if (kind === 'Role') {
    const r = reg.role(name);
    return { attached: r.attached, save: () => reg.saveRole(r) };
  }
  const u = reg.user(name);
  return { attached: u.attached, save: () => reg.saveUser(u) };
}

function attach(kind: 'Role' | 'User') {
  return operation({
    input: structure({ [`${kind}Name`]: required(NAME(64)), PolicyArn: required(POLICY_ARN) }),
    async run(iam: IamContext, input: Record<string, string>) {
      const policyArn = input['PolicyArn']!;
      iam.registry.policy(policyArn);
      const h = holder(iam.registry, kind, input[`${kind}Name`]!);
      if (!h.attached.includes(policyArn)) {
        h.attached.push(policyArn);
        await h.save();
      }
      return {};
    },
  });
}

function detach(kind: 'Role' | 'User') {
  return operation({
    input: structure({ [`${kind}Name`]: required(NAME(64)), PolicyArn: required(POLICY_ARN) }),
    async run(iam: IamContext, input: Record<string, string>) {
      const policyArn = input['PolicyArn']!;
      const h = holder(iam.registry, kind, input[`${kind}Name`]!);
      const i = h.attached.indexOf(policyArn);
      if (i < 0) throw noSuchEntity(`Policy ${policyArn} was not found.`);
      h.attached.splice(i, 1);
      await h.save();
      return {};
    },
  });
}

function listAttached(kind: 'Role' | 'User') {
  return operation({
    input: structure({
      [`${kind}Name`]: required(NAME(64)),
      PathPrefix: string(),
      Marker: MARKER,
      MaxItems: MAX_ITEMS,
    }),
    output: structure({ AttachedPolicies: ATTACHED, IsTruncated: { type: 'boolean' }, Marker: string() }),
    async run(iam: IamContext, input: Record<string, unknown>) {
      const h = holder(iam.registry, kind, input[`${kind}Name`] as string);
      const all = h.attached.map((arn) => ({
        PolicyName: iam.registry.policy(arn).PolicyName,
        PolicyArn: arn,
      }));
      const { items, ...rest } = page(
        all,
        input['Marker'] as string | undefined,
        input['MaxItems'] as number | undefined,
      );
      return { AttachedPolicies: items, ...rest };
    },
  });
}

export const attachRolePolicy = attach('Role');
export const detachRolePolicy = detach('Role');
export const listAttachedRolePolicies = listAttached('Role');
export const attachUserPolicy = attach('User');
export const detachUserPolicy = detach('User');
export const listAttachedUserPolicies = listAttached('User');
