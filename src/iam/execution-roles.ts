import { AwsError } from '../server/errors.js';
import type { IamRegistry } from './iam-registry.js';
import type { WorkerCredentials } from '../runtime/invocation.js';
import { evaluate, trustAllows, type PolicyDocument } from './policy-engine.js';

/**
 * What a function's execution role lets Lambda do, as Lambda checks it: CreateFunction and
 * UpdateFunctionConfiguration need a role Lambda can assume, and an event source mapping needs the role to read
 * its stream (and write to its on-failure destination) — "Lambda needs the following permissions to manage
 * resources that are related to your Kinesis data stream. Add them to your function's execution role" (the AWS
 * doc). With IAM off every role may do everything.
 */
export interface ExecutionRoles {
  /** Throws InvalidParameterValueException when Lambda cannot assume the role. */
  checkAssumable(roleArn: string): void;
  /** The actions (`kinesis:GetRecords`...) of `actions` the role is not allowed on `resource`. */
  missing(roleArn: string, actions: readonly string[], resource: string): string[];
  /** Calls `fn` whenever a role or policy changes; returns the unsubscribe. */
  onChange(fn: () => void): () => void;
  /**
   * Temporary credentials of the role for a function's workers (an STS session `assumed-role/ROLE/FUNCTION`), or
   * undefined when signatures are not checked.
   */
  sessionFor(roleArn: string, functionName: string): WorkerCredentials | undefined;
}

export const OPEN_ROLES: ExecutionRoles = {
  checkAssumable() {},
  missing: () => [],
  onChange: () => () => undefined,
  sessionFor: () => undefined,
};

/** Lambda's execution environments get credentials valid this long (AWS: the role session of the function). */
const WORKER_SESSION_MS = 12 * 3600_000;

/** Worker credentials from IAM's registry: one in-memory STS session per role and function, renewed when old. */
export function workerSessions(registry: IamRegistry): ExecutionRoles['sessionFor'] {
  const cache = new Map<string, WorkerCredentials>();
  return (roleArn, functionName) => {
    const id = `${roleArn}\0${functionName}`;
    const cached = cache.get(id);
    if (cached && cached.expiresAt - Date.now() > 3600_000) return cached;
    const roleName = roleArn.slice(roleArn.lastIndexOf('/') + 1);
    const s = registry.workerSession(
      roleArn,
      `arn:aws:sts::${registry.account}:assumed-role/${roleName}/${functionName}`,
      WORKER_SESSION_MS,
    );
    const creds = {
      accessKeyId: s.AccessKeyId,
      secretAccessKey: s.SecretAccessKey,
      sessionToken: s.SessionToken,
      expiresAt: s.Expiration,
    };
    cache.set(id, creds);
    return creds;
  };
}

/** What a Kinesis event source mapping reads its stream with (the AWS doc's list, as Lambda checks it). */
export const KINESIS_READ_ACTIONS = [
  'kinesis:GetRecords',
  'kinesis:GetShardIterator',
  'kinesis:DescribeStream',
  'kinesis:ListShards',
] as const;

export function rolesFromIam(registry: IamRegistry): ExecutionRoles {
  return {
    checkAssumable(roleArn) {
      const role = registry.roleByArn(roleArn);
      const trust = role ? (JSON.parse(role.AssumeRolePolicyDocument) as PolicyDocument) : undefined;
      if (!trust || !trustAllows(trust, { Service: 'lambda.amazonaws.com' }))
        throw new AwsError(
          'InvalidParameterValueException',
          'The role defined for the function cannot be assumed by Lambda.',
          400,
          { Type: 'User' },
        );
    },
    missing(roleArn, actions, resource) {
      const role = registry.roleByArn(roleArn);
      if (!role) return [...actions];
      const policies = registry.documentsOf(role);
      return actions.filter((action) => evaluate(policies, { action, resource }) !== 'Allow');
    },
    onChange(fn) {
      registry.on('changed', fn);
      return () => registry.off('changed', fn);
    },
    sessionFor: () => undefined,
  };
}
