import { boolean, integer, list, string, structure, timestamp } from '../server/shapes.js';
import type { IamRegistry, PolicyDoc, RoleDoc, UserDoc } from './iam-registry.js';

/** What every IAM operation runs with. */
export interface IamContext {
  registry: IamRegistry;
}

/** IAM's name and path rules (API reference: RoleName, UserName, PolicyName, Path). */
export const NAME = (max: number) => string({ min: 1, max, pattern: /[\w+=,.@-]+/ });
export const PATH = string({ min: 1, max: 512, pattern: /(\u002F)|(\u002F[\u0021-\u007E]+\u002F)/ });
export const POLICY_DOCUMENT = string({ min: 1, max: 131072 });
export const POLICY_ARN = string({ min: 20, max: 2048 });
export const MARKER = string({ min: 1, max: 320 });
export const MAX_ITEMS = integer({ min: 1, max: 1000 });

export const ROLE = structure({
  Path: string(),
  RoleName: string(),
  RoleId: string(),
  Arn: string(),
  CreateDate: timestamp(),
  AssumeRolePolicyDocument: string(),
  Description: string(),
  MaxSessionDuration: integer(),
});

export const USER = structure({
  Path: string(),
  UserName: string(),
  UserId: string(),
  Arn: string(),
  CreateDate: timestamp(),
});

export const POLICY = structure({
  PolicyName: string(),
  PolicyId: string(),
  Arn: string(),
  Path: string(),
  DefaultVersionId: string(),
  AttachmentCount: integer(),
  IsAttachable: boolean(),
  Description: string(),
  CreateDate: timestamp(),
  UpdateDate: timestamp(),
});

export const ATTACHED = list(structure({ PolicyName: string(), PolicyArn: string() }));

/** IAM answers policy documents URL-encoded (the SDKs and the CLI decode them). */
export const encodedDocument = (text: string): string => encodeURIComponent(text);

export function roleOut(r: RoleDoc): Record<string, unknown> {
  return {
    Path: r.Path,
    RoleName: r.RoleName,
    RoleId: r.RoleId,
    Arn: r.Arn,
    CreateDate: new Date(r.CreateDate),
    AssumeRolePolicyDocument: encodedDocument(r.AssumeRolePolicyDocument),
    ...(r.Description !== undefined ? { Description: r.Description } : {}),
    MaxSessionDuration: r.MaxSessionDuration,
  };
}

export function userOut(u: UserDoc): Record<string, unknown> {
  return {
    Path: u.Path,
    UserName: u.UserName,
    UserId: u.UserId,
    Arn: u.Arn,
    CreateDate: new Date(u.CreateDate),
  };
}

export function policyOut(p: PolicyDoc, attachments: number): Record<string, unknown> {
  return {
    PolicyName: p.PolicyName,
    PolicyId: p.PolicyId,
    Arn: p.Arn,
    Path: p.Path,
    DefaultVersionId: 'v1',
    AttachmentCount: attachments,
    IsAttachable: true,
    ...(p.Description !== undefined ? { Description: p.Description } : {}),
    CreateDate: new Date(p.CreateDate),
    UpdateDate: new Date(p.UpdateDate),
  };
}

/** IAM's Marker/MaxItems paging (default 100 items); the marker is the index of the next item. */
export function page<T>(
  items: T[],
  marker: string | undefined,
  maxItems: number | undefined,
): {
  items: T[];
  IsTruncated: boolean;
  Marker?: string;
} {
  const start = marker === undefined ? 0 : Number.parseInt(marker, 36);
  const from = Number.isInteger(start) && start >= 0 ? start : 0;
  const n = maxItems ?? 100;
  const slice = items.slice(from, from + n);
  const more = from + n < items.length;
  return { items: slice, IsTruncated: more, ...(more ? { Marker: (from + n).toString(36) } : {}) };
}
