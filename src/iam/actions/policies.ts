import { operation } from '../../server/operations.js';
import { boolean, list, required, string, structure, timestamp } from '../../server/shapes.js';
import { noSuchEntity } from '../errors.js';
import {
  MARKER,
  MAX_ITEMS,
  NAME,
  PATH,
  POLICY,
  POLICY_ARN,
  POLICY_DOCUMENT,
  encodedDocument,
  page,
  policyOut,
  type IamContext,
} from '../iam-action.js';

/** CreatePolicy, GetPolicy, GetPolicyVersion, DeletePolicy, ListPolicies: managed policies (one version, v1). */

export const createPolicy = operation({
  input: structure({
    PolicyName: required(NAME(128)),
    Path: PATH,
    PolicyDocument: required(POLICY_DOCUMENT),
    Description: string({ max: 1000 }),
  }),
  output: structure({ Policy: POLICY }),
  async run(iam: IamContext, input) {
    const p = await iam.registry.createPolicy(
      input.PolicyName,
      input.Path ?? '/',
      input.PolicyDocument,
      input.Description,
    );
    return { Policy: policyOut(p, 0) };
  },
});

export const getPolicy = operation({
  input: structure({ PolicyArn: required(POLICY_ARN) }),
  output: structure({ Policy: POLICY }),
  async run(iam: IamContext, input) {
    const p = iam.registry.policy(input.PolicyArn);
    return { Policy: policyOut(p, iam.registry.attachmentCount(p.Arn)) };
  },
});

export const getPolicyVersion = operation({
  input: structure({
    PolicyArn: required(POLICY_ARN),
    VersionId: required(string({ pattern: /v[1-9][0-9]*(\.[A-Za-z0-9-]*)?/ })),
  }),
  output: structure({
    PolicyVersion: structure({
      Document: string(),
      VersionId: string(),
      IsDefaultVersion: boolean(),
      CreateDate: timestamp(),
    }),
  }),
  async run(iam: IamContext, input) {
    const p = iam.registry.policy(input.PolicyArn);
    if (input.VersionId !== 'v1')
      throw noSuchEntity(`Policy ${p.Arn} version ${input.VersionId} does not exist or is not attachable.`);
    return {
      PolicyVersion: {
        Document: encodedDocument(p.document),
        VersionId: 'v1',
        IsDefaultVersion: true,
        CreateDate: new Date(p.CreateDate),
      },
    };
  },
});

export const deletePolicy = operation({
  input: structure({ PolicyArn: required(POLICY_ARN) }),
  async run(iam: IamContext, input) {
    await iam.registry.deletePolicy(input.PolicyArn);
    return {};
  },
});

export const listPolicies = operation({
  input: structure({
    Scope: string({ enum: ['All', 'AWS', 'Local'] }),
    OnlyAttached: boolean(),
    PathPrefix: string(),
    Marker: MARKER,
    MaxItems: MAX_ITEMS,
  }),
  output: structure({ Policies: list(POLICY), IsTruncated: boolean(), Marker: string() }),
  async run(iam: IamContext, input) {
    const scope = input.Scope ?? 'All';
    const all = [...iam.registry.policies.values()]
      .filter((p) => scope === 'All' || (scope === 'AWS') === p.awsManaged)
      .filter((p) => p.Path.startsWith(input.PathPrefix ?? '/'))
      .map((p) => ({ p, n: iam.registry.attachmentCount(p.Arn) }))
      .filter(({ n }) => !input.OnlyAttached || n > 0)
      .sort((a, b) => (a.p.PolicyName < b.p.PolicyName ? -1 : 1));
    const { items, ...rest } = page(all, input.Marker, input.MaxItems);
    return { Policies: items.map(({ p, n }) => policyOut(p, n)), ...rest };
  },
});
