import {
  AttachRolePolicyCommand,
  CreateRoleCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  DetachRolePolicyCommand,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
  PutRolePolicyCommand,
  UpdateAssumeRolePolicyCommand,
  type IAMClient,
} from '@aws-sdk/client-iam';
import { physicalName } from './expand.js';
import type { InlinePolicy } from './policies.js';
import { deleteIfPresent, same, str, type ResourceHandler } from './resource-handler.js';

/** A policy document as IAM's API takes it: JSON text (a template may hold it as a mapping or as text). */
const documentText = (d: unknown): string => (typeof d === 'string' ? d : JSON.stringify(d));

const managedArns = (p: Record<string, unknown>): string[] =>
  Array.isArray(p['ManagedPolicyArns']) ? p['ManagedPolicyArns'].map(String) : [];

const inlinePolicies = (p: Record<string, unknown>): Map<string, string> =>
  new Map(
    (Array.isArray(p['Policies']) ? (p['Policies'] as InlinePolicy[]) : []).map((x) => [
      String(x.PolicyName),
      documentText(x.PolicyDocument),
    ]),
  );

/** Attaches and puts what `after` has and `before` had not (or had otherwise); detaches and deletes the rest. */
async function syncPolicies(
  iam: IAMClient,
  RoleName: string,
  before: Record<string, unknown>,
  after: Record<string, unknown>,
): Promise<void> {
  const [was, is] = [managedArns(before), managedArns(after)];
  for (const PolicyArn of is.filter((a) => !was.includes(a)))
    await iam.send(new AttachRolePolicyCommand({ RoleName, PolicyArn }));
  for (const PolicyArn of was.filter((a) => !is.includes(a)))
    await iam.send(new DetachRolePolicyCommand({ RoleName, PolicyArn }));
  const [old, now] = [inlinePolicies(before), inlinePolicies(after)];
  for (const [PolicyName, PolicyDocument] of now)
    if (old.get(PolicyName) !== PolicyDocument)
      await iam.send(new PutRolePolicyCommand({ RoleName, PolicyName, PolicyDocument }));
  for (const PolicyName of old.keys())
    if (!now.has(PolicyName)) await iam.send(new DeleteRolePolicyCommand({ RoleName, PolicyName }));
}

/**
 * AWS::IAM::Role (and the execution role SAM generates for a function, policies.ts) through the server's IAM API:
 * Ref is the role's name, GetAtt Arn and RoleId. RoleName and Path replace it; the trust policy, managed policies
 * and inline policies are updated in place.
 */
export const iamRole: ResourceHandler = {
  async create(c) {
    const iam = c.clients.iam;
    const RoleName = str(c.props['RoleName']) ?? physicalName(c.stackName, c.logicalId, 64);
    const r = await iam.send(
      new CreateRoleCommand({
        RoleName,
        Path: str(c.props['Path']),
        AssumeRolePolicyDocument: documentText(c.props['AssumeRolePolicyDocument']),
      }),
    );
    await syncPolicies(iam, RoleName, {}, c.props);
    return { physicalId: RoleName, attributes: { Arn: r.Role!.Arn!, RoleId: r.Role!.RoleId! } };
  },
  async update(c, old) {
    const RoleName = old.deployed.physicalId;
    if ((str(c.props['RoleName']) ?? RoleName) !== RoleName || !same(c.props['Path'], old.props['Path']))
      return 'replace';
    const trust = c.props['AssumeRolePolicyDocument'];
    if (!same(trust, old.props['AssumeRolePolicyDocument']))
      await c.clients.iam.send(
        new UpdateAssumeRolePolicyCommand({ RoleName, PolicyDocument: documentText(trust) }),
      );
    await syncPolicies(c.clients.iam, RoleName, old.props, c.props);
    return old.deployed;
  },
  async delete(c, d) {
    const iam = c.clients.iam;
    const RoleName = d.physicalId;
    await deleteIfPresent(
      async () => {
        // IAM deletes a role only without policies: whatever it holds now, not only what the stack gave it.
        const attached = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName }));
        for (const p of attached.AttachedPolicies ?? [])
          await iam.send(new DetachRolePolicyCommand({ RoleName, PolicyArn: p.PolicyArn }));
        const inline = await iam.send(new ListRolePoliciesCommand({ RoleName }));
        for (const PolicyName of inline.PolicyNames ?? [])
          await iam.send(new DeleteRolePolicyCommand({ RoleName, PolicyName }));
        await iam.send(new DeleteRoleCommand({ RoleName }));
      },
      'NoSuchEntityException',
      'NoSuchEntity',
    );
  },
};
