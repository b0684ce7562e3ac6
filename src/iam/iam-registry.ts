import { EventEmitter } from 'node:events';
import { randomBytes } from 'node:crypto';
import type { AppContext } from '../server/context.js';
import { AwsError } from '../server/errors.js';
import type { Credential, CredentialSource, Principal } from '../server/auth/authenticator.js';
import { deleteConflict, malformedPolicy, noSuchEntity, entityExists } from './errors.js';
import { AWS_MANAGED_POLICIES, managedPolicyArn } from './managed-policies.js';
import { parseOperator, UnknownConditionOperator, type PolicyDocument } from './policy-engine.js';

/** IAM's entities as stored (documents in the store, secrets included: the data dir is the server user's alone). */
export interface RoleDoc {
  RoleName: string;
  RoleId: string;
  Arn: string;
  Path: string;
  CreateDate: number;
  AssumeRolePolicyDocument: string;
  Description?: string;
  MaxSessionDuration: number;
  attached: string[];
  inline: Record<string, string>;
}

export interface UserDoc {
  UserName: string;
  UserId: string;
  Arn: string;
  Path: string;
  CreateDate: number;
  attached: string[];
  inline: Record<string, string>;
}

export interface AccessKeyDoc {
  AccessKeyId: string;
  SecretAccessKey: string;
  UserName: string;
  Status: 'Active' | 'Inactive';
  CreateDate: number;
}

export interface PolicyDoc {
  PolicyName: string;
  PolicyId: string;
  Arn: string;
  Path: string;
  Description?: string;
  document: string;
  CreateDate: number;
  UpdateDate: number;
  /** AWS managed policies are built in and cannot be deleted. */
  awsManaged: boolean;
}

/** An STS session: temporary credentials of an assumed role, or of a user (GetSessionToken). */
export interface SessionDoc {
  AccessKeyId: string;
  SecretAccessKey: string;
  SessionToken: string;
  Expiration: number;
  principal: Principal;
  /** The role whose policies the session holds (assumed-role), or the user's name (GetSessionToken). */
  roleArn?: string;
  userName?: string;
}

export interface IamEvents {
  /** Any change to what a principal may do (policies, attachments, roles, keys). */
  changed: [];
}

const NS = {
  role: 'iam.role',
  user: 'iam.user',
  key: 'iam.key',
  policy: 'iam.policy',
  session: 'sts.session',
};

/** IAM's unique ids: a four-letter prefix by kind and 17 upper-case letters and digits. */
export function iamId(prefix: 'AROA' | 'AIDA' | 'ANPA' | 'AKIA' | 'ASIA'): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const bytes = randomBytes(16);
  let s = prefix;
  for (let i = 0; i < 16; i++) s += alphabet[bytes[i]! % 32];
  return s;
}

export const secretKey = (): string => randomBytes(30).toString('base64').replace(/[+/=]/g, 'x').slice(0, 40);

/** Checks a policy document as IAM does when it is stored: JSON, statements, effects, known operators. */
export function parsePolicy(text: string): PolicyDocument {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw malformedPolicy('Syntax errors in policy.');
  }
  if (typeof doc !== 'object' || doc === null || !('Statement' in doc))
    throw malformedPolicy('Syntax errors in policy.');
  const statements = (doc as PolicyDocument).Statement;
  for (const s of Array.isArray(statements) ? statements : [statements]) {
    if (typeof s !== 'object' || s === null) throw malformedPolicy('Syntax errors in policy.');
    if (s.Effect !== 'Allow' && s.Effect !== 'Deny')
      throw malformedPolicy('Invalid effect: ' + String(s.Effect));
    if (s.Action === undefined && s.NotAction === undefined)
      throw malformedPolicy('Policy statement must contain actions.');
    for (const op of Object.keys(s.Condition ?? {})) {
      try {
        parseOperator(op);
      } catch (err) {
        if (err instanceof UnknownConditionOperator) throw malformedPolicy(`Invalid Condition type : ${op}`);
        throw err;
      }
    }
  }
  return doc as PolicyDocument;
}

/**
 * Roles, users, access keys, customer managed policies and STS sessions of the account, held in memory and
 * written through to the store; the AWS managed policies are built in. It is also a CredentialSource: IAM users'
 * active keys and unexpired STS sessions sign requests.
 */
export class IamRegistry extends EventEmitter<IamEvents> implements CredentialSource {
  readonly #ctx: AppContext;
  readonly roles = new Map<string, RoleDoc>();
  readonly users = new Map<string, UserDoc>();
  readonly keys = new Map<string, AccessKeyDoc>();
  readonly policies = new Map<string, PolicyDoc>();
  readonly sessions = new Map<string, SessionDoc>();

  constructor(ctx: AppContext) {
    super();
    this.setMaxListeners(0);
    this.#ctx = ctx;
    for (const p of AWS_MANAGED_POLICIES) {
      const arn = managedPolicyArn(p);
      this.policies.set(arn, {
        PolicyName: p.name,
        PolicyId: `ANPA${p.name
          .toUpperCase()
          .replace(/[^A-Z0-9]/g, '')
          .slice(0, 17)
          .padEnd(17, 'X')}`,
        Arn: arn,
        Path: p.path,
        Description: p.description,
        document: JSON.stringify(p.document),
        CreateDate: Date.UTC(2015, 1, 6),
        UpdateDate: Date.UTC(2015, 1, 6),
        awsManaged: true,
      });
    }
    const s = ctx.store;
    for (const { doc } of s.listDocs<RoleDoc>(NS.role)) this.roles.set(doc.RoleName, doc);
    for (const { doc } of s.listDocs<UserDoc>(NS.user)) this.users.set(doc.UserName, doc);
    for (const { doc } of s.listDocs<AccessKeyDoc>(NS.key)) this.keys.set(doc.AccessKeyId, doc);
    for (const { doc } of s.listDocs<PolicyDoc>(NS.policy)) this.policies.set(doc.Arn, doc);
    for (const { doc } of s.listDocs<SessionDoc>(NS.session)) this.sessions.set(doc.AccessKeyId, doc);
  }

  get account(): string {
    return this.#ctx.options.account;
  }

  arn(kind: 'role' | 'user' | 'policy', path: string, name: string): string {
    return `arn:aws:iam::${this.account}:${kind}${path}${name}`;
  }

  async #put(ns: string, id: string, doc: unknown): Promise<void> {
    await this.#ctx.store.putDoc(ns, id, doc);
    this.emit('changed');
  }

  async #delete(ns: string, id: string): Promise<void> {
    await this.#ctx.store.deleteDoc(ns, id);
    this.emit('changed');
  }

  // ---- roles ------------------------------------------------------------------------------------------------

  role(name: string): RoleDoc {
    const r = this.roles.get(name);
    if (!r) throw noSuchEntity(`The role with name ${name} cannot be found.`);
    return r;
  }

  /** The role an ARN names (a role ARN's name is its last path segment), if it exists. */
  roleByArn(arn: string): RoleDoc | undefined {
    const name = arn.slice(arn.lastIndexOf('/') + 1);
    const r = this.roles.get(name);
    return r && r.Arn === arn ? r : undefined;
  }

  async createRole(
    r: Omit<RoleDoc, 'RoleId' | 'Arn' | 'CreateDate' | 'attached' | 'inline'>,
  ): Promise<RoleDoc> {
    if (this.roles.has(r.RoleName)) throw entityExists(`Role with name ${r.RoleName} already exists.`);
    parsePolicy(r.AssumeRolePolicyDocument);
    const doc: RoleDoc = {
      ...r,
      RoleId: iamId('AROA'),
      Arn: this.arn('role', r.Path, r.RoleName),
      CreateDate: Date.now(),
      attached: [],
      inline: {},
    };
    this.roles.set(doc.RoleName, doc);
    await this.#put(NS.role, doc.RoleName, doc);
    return doc;
  }

  async saveRole(r: RoleDoc): Promise<void> {
    this.roles.set(r.RoleName, r);
    await this.#put(NS.role, r.RoleName, r);
  }

  async deleteRole(name: string): Promise<void> {
    const r = this.role(name);
    if (r.attached.length > 0 || Object.keys(r.inline).length > 0)
      throw deleteConflict('Cannot delete entity, must detach all policies first.');
    this.roles.delete(name);
    await this.#delete(NS.role, name);
  }

  // ---- users and keys ---------------------------------------------------------------------------------------

  user(name: string): UserDoc {
    const u = this.users.get(name);
    if (!u) throw noSuchEntity(`The user with name ${name} cannot be found.`);
    return u;
  }

  async createUser(name: string, path: string): Promise<UserDoc> {
    if (this.users.has(name)) throw entityExists(`User with name ${name} already exists.`);
    const u: UserDoc = {
      UserName: name,
      UserId: iamId('AIDA'),
      Arn: this.arn('user', path, name),
      Path: path,
      CreateDate: Date.now(),
      attached: [],
      inline: {},
    };
    this.users.set(name, u);
    await this.#put(NS.user, name, u);
    return u;
  }

  async saveUser(u: UserDoc): Promise<void> {
    this.users.set(u.UserName, u);
    await this.#put(NS.user, u.UserName, u);
  }

  async deleteUser(name: string): Promise<void> {
    const u = this.user(name);
    if (u.attached.length > 0 || Object.keys(u.inline).length > 0 || this.keysOf(name).length > 0)
      throw deleteConflict('Cannot delete entity, must delete access keys and detach all policies first.');
    this.users.delete(name);
    await this.#delete(NS.user, name);
  }

  keysOf(userName: string): AccessKeyDoc[] {
    return [...this.keys.values()].filter((k) => k.UserName === userName);
  }

  async createAccessKey(userName: string): Promise<AccessKeyDoc> {
    this.user(userName);
    const k: AccessKeyDoc = {
      AccessKeyId: iamId('AKIA'),
      SecretAccessKey: secretKey(),
      UserName: userName,
      Status: 'Active',
      CreateDate: Date.now(),
    };
    this.keys.set(k.AccessKeyId, k);
    await this.#put(NS.key, k.AccessKeyId, k);
    return k;
  }

  async deleteAccessKey(id: string, userName: string): Promise<void> {
    const k = this.keys.get(id);
    if (!k || k.UserName !== userName) throw noSuchEntity(`The Access Key with id ${id} cannot be found.`);
    this.keys.delete(id);
    await this.#delete(NS.key, id);
  }

  // ---- managed policies -------------------------------------------------------------------------------------

  policy(arn: string): PolicyDoc {
    const p = this.policies.get(arn);
    if (!p) throw noSuchEntity(`Policy ${arn} does not exist or is not attachable.`);
    return p;
  }

  async createPolicy(name: string, path: string, document: string, description?: string): Promise<PolicyDoc> {
    const arn = this.arn('policy', path, name);
    if (this.policies.has(arn))
      throw entityExists(`A policy called ${name} already exists. Duplicate names are not allowed.`);
    parsePolicy(document);
    const now = Date.now();
    const p: PolicyDoc = {
      PolicyName: name,
      PolicyId: iamId('ANPA'),
      Arn: arn,
      Path: path,
      ...(description !== undefined ? { Description: description } : {}),
      document,
      CreateDate: now,
      UpdateDate: now,
      awsManaged: false,
    };
    this.policies.set(arn, p);
    await this.#put(NS.policy, arn, p);
    return p;
  }

  attachmentCount(arn: string): number {
    let n = 0;
    for (const r of this.roles.values()) if (r.attached.includes(arn)) n++;
    for (const u of this.users.values()) if (u.attached.includes(arn)) n++;
    return n;
  }

  async deletePolicy(arn: string): Promise<void> {
    const p = this.policy(arn);
    if (p.awsManaged) throw new AwsError('AccessDenied', 'Cannot delete an AWS managed policy.', 403);
    if (this.attachmentCount(arn) > 0) throw deleteConflict('Cannot delete a policy attached to entities.');
    this.policies.delete(arn);
    await this.#delete(NS.policy, arn);
  }

  // ---- sessions and credentials -----------------------------------------------------------------------------

  async createSession(
    s: Omit<SessionDoc, 'AccessKeyId' | 'SecretAccessKey' | 'SessionToken'>,
  ): Promise<SessionDoc> {
    const doc: SessionDoc = {
      ...s,
      AccessKeyId: iamId('ASIA'),
      SecretAccessKey: secretKey(),
      SessionToken: randomBytes(96).toString('base64'),
    };
    doc.principal = { ...doc.principal, accessKeyId: doc.AccessKeyId };
    // Expired sessions are dropped as new ones are made, so the store does not grow without end.
    const now = Date.now();
    for (const old of [...this.sessions.values()])
      if (old.Expiration < now) {
        this.sessions.delete(old.AccessKeyId);
        await this.#ctx.store.deleteDoc(NS.session, old.AccessKeyId);
      }
    this.sessions.set(doc.AccessKeyId, doc);
    await this.#ctx.store.putDoc(NS.session, doc.AccessKeyId, doc);
    return doc;
  }

  /**
   * Credentials for a function's workers: an STS session of its role kept in memory only (workers do not outlive
   * the server), so spawning a worker writes nothing.
   */
  workerSession(roleArn: string, sessionArn: string, lifetimeMs: number): SessionDoc {
    const doc: SessionDoc = {
      AccessKeyId: iamId('ASIA'),
      SecretAccessKey: secretKey(),
      SessionToken: randomBytes(96).toString('base64'),
      Expiration: Date.now() + lifetimeMs,
      principal: { kind: 'assumed-role', account: this.account, arn: sessionArn, accessKeyId: '' },
      roleArn,
    };
    doc.principal = { ...doc.principal, accessKeyId: doc.AccessKeyId };
    this.sessions.set(doc.AccessKeyId, doc);
    return doc;
  }

  lookup(accessKeyId: string): Credential | undefined {
    const k = this.keys.get(accessKeyId);
    if (k) {
      if (k.Status !== 'Active') return undefined;
      const u = this.users.get(k.UserName);
      if (!u) return undefined;
      return {
        secretAccessKey: k.SecretAccessKey,
        principal: { kind: 'user', account: this.account, arn: u.Arn, accessKeyId },
      };
    }
    const s = this.sessions.get(accessKeyId);
    if (s)
      return {
        secretAccessKey: s.SecretAccessKey,
        principal: s.principal,
        sessionToken: s.SessionToken,
        expiresAt: s.Expiration,
      };
    return undefined;
  }

  /**
   * The identity policies that govern a principal, or `all` for the account's root (which IAM policies do not
   * limit). An unknown principal has none.
   */
  policiesOf(p: Principal): 'all' | PolicyDocument[] {
    if (p.kind === 'root') return 'all';
    if (p.kind === 'user') {
      const u = [...this.users.values()].find((x) => x.Arn === p.arn);
      return u ? this.#documents(u) : [];
    }
    const session = this.sessions.get(p.accessKeyId);
    const role = session?.roleArn ? this.roleByArn(session.roleArn) : undefined;
    if (session?.userName) {
      const u = this.users.get(session.userName);
      return u ? this.#documents(u) : [];
    }
    return role ? this.#documents(role) : [];
  }

  /** A role's or user's attached managed policies and inline policies. */
  documentsOf(holder: { attached: string[]; inline: Record<string, string> }): PolicyDocument[] {
    return this.#documents(holder);
  }

  #documents(holder: { attached: string[]; inline: Record<string, string> }): PolicyDocument[] {
    const docs: PolicyDocument[] = [];
    for (const arn of holder.attached) {
      const p = this.policies.get(arn);
      if (p) docs.push(JSON.parse(p.document) as PolicyDocument);
    }
    for (const text of Object.values(holder.inline)) docs.push(JSON.parse(text) as PolicyDocument);
    return docs;
  }
}
