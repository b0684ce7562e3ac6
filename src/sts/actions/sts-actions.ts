import { operation, type Call } from '../../server/operations.js';
import { integer, required, string, structure, timestamp } from '../../server/shapes.js';
import { AwsError } from '../../server/errors.js';
import type { Principal } from '../../server/auth/authenticator.js';
import { evaluate, trustAllows, trustNamesPrincipal, type PolicyDocument } from '../../iam/policy-engine.js';
import type { IamRegistry, SessionDoc } from '../../iam/iam-registry.js';
import type { IamAccounts } from '../../iam/iam-accounts.js';

/**
 * What STS's operations run with: the caller's account's IAM registry (roles, users, sessions), every account's
 * (AssumeRole reaches a role of another account) and whether IAM is enforced.
 */
export interface StsContext {
  registry: IamRegistry;
  accounts: IamAccounts;
  enforce: boolean;
}

/** The caller: the verified signer, or (signatures unchecked) the account's root. */
function caller(sts: StsContext, call: Call): Principal {
  return (
    call.auth?.principal ?? {
      kind: 'root',
      account: sts.registry.account,
      arn: `arn:aws:iam::${sts.registry.account}:root`,
      accessKeyId: '',
    }
  );
}

const CREDENTIALS = structure({
  AccessKeyId: string(),
  SecretAccessKey: string(),
  SessionToken: string(),
  Expiration: timestamp(),
});

/** A session's temporary credentials as AssumeRole and GetSessionToken answer them (CREDENTIALS). */
function credentialsOf(s: SessionDoc): {
  AccessKeyId: string;
  SecretAccessKey: string;
  SessionToken: string;
  Expiration: Date;
} {
  return {
    AccessKeyId: s.AccessKeyId,
    SecretAccessKey: s.SecretAccessKey,
    SessionToken: s.SessionToken,
    Expiration: new Date(s.Expiration),
  };
}

export const getCallerIdentity = operation({
  input: structure({}),
  output: structure({ UserId: string(), Account: string(), Arn: string() }),
  async run(sts: StsContext, _input, call) {
    const p = caller(sts, call);
    let userId = p.account;
    if (p.kind === 'user')
      userId = [...sts.registry.users.values()].find((u) => u.Arn === p.arn)?.UserId ?? '';
    if (p.kind === 'assumed-role') {
      const s = sts.registry.sessions.get(p.accessKeyId);
      const role = s?.roleArn ? sts.registry.roleByArn(s.roleArn) : undefined;
      userId = `${role?.RoleId ?? ''}:${p.arn.split('/').pop() ?? ''}`;
    }
    return { UserId: userId, Account: p.account, Arn: p.arn };
  },
});

export const assumeRole = operation({
  input: structure({
    RoleArn: required(string({ min: 20, max: 2048 })),
    RoleSessionName: required(string({ min: 2, max: 64, pattern: /[\w+=,.@-]*/ })),
    DurationSeconds: integer({ min: 900, max: 43200 }),
    Policy: string({ min: 1, max: 2048 }),
  }),
  output: structure({
    Credentials: CREDENTIALS,
    AssumedRoleUser: structure({ AssumedRoleId: string(), Arn: string() }),
  }),
  async run(sts: StsContext, input, call) {
    const who = caller(sts, call);
    // The role ARN names the role's account: the caller's own, or another one of this server's.
    const owner = sts.accounts.of(input.RoleArn.split(':')[4] ?? '');
    const role = owner?.roleByArn(input.RoleArn);
    const denied = (): AwsError =>
      new AwsError(
        'AccessDenied',
        `User: ${who.arn} is not authorized to perform: sts:AssumeRole on resource: ${input.RoleArn}`,
        403,
      );
    if (!owner || !role) throw denied();
    if (sts.enforce) {
      // AWS: the trust policy must let the caller in (naming it, its account or its account's root), and, unless
      // it names the caller itself in the caller's own account, the caller's own policies must allow sts:AssumeRole
      // on the role (the account's root needs none). Across accounts both are always needed (IAM User Guide,
      // "Cross-account policy evaluation logic": the trusting account's resource-based policy, here the trust
      // policy, must specify the principal, and the principal's identity-based policy must allow the access).
      const trust = JSON.parse(role.AssumeRolePolicyDocument) as PolicyDocument;
      if (!trustAllows(trust, { AWS: who.arn })) throw denied();
      const policies = sts.registry.policiesOf(who);
      const sameAccount = owner.account === who.account;
      if (
        policies !== 'all' &&
        !(sameAccount && trustNamesPrincipal(trust, who.arn)) &&
        evaluate(policies, { action: 'sts:AssumeRole', resource: role.Arn }) !== 'Allow'
      )
        throw denied();
    }
    const duration = input.DurationSeconds ?? 3600;
    if (duration > role.MaxSessionDuration)
      throw new AwsError(
        'ValidationError',
        `The requested DurationSeconds exceeds the MaxSessionDuration set for this role.`,
        400,
      );
    // The session is the role's account's: its requests act there, with the role's policies.
    const arn = `arn:aws:sts::${owner.account}:assumed-role/${role.RoleName}/${input.RoleSessionName}`;
    const s = await owner.createSession({
      Expiration: Date.now() + duration * 1000,
      principal: { kind: 'assumed-role', account: owner.account, arn, accessKeyId: '' },
      roleArn: role.Arn,
    });
    return {
      Credentials: credentialsOf(s),
      AssumedRoleUser: { AssumedRoleId: `${role.RoleId}:${input.RoleSessionName}`, Arn: arn },
    };
  },
});

export const getSessionToken = operation({
  input: structure({ DurationSeconds: integer({ min: 900, max: 129600 }) }),
  output: structure({ Credentials: CREDENTIALS }),
  async run(sts: StsContext, input, call) {
    const who = caller(sts, call);
    if (who.kind === 'assumed-role')
      throw new AwsError('AccessDenied', 'Cannot call GetSessionToken with session credentials', 403);
    const duration = input.DurationSeconds ?? (who.kind === 'root' ? 3600 : 43200);
    const s = await sts.registry.createSession({
      Expiration: Date.now() + duration * 1000,
      principal: { ...who },
      ...(who.kind === 'user' ? { userName: who.arn.split('/').pop()! } : {}),
    });
    return {
      Credentials: credentialsOf(s),
    };
  },
});
