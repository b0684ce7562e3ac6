/**
 * The one IAM policy evaluator, for both uses: authorizing API callers and checking what an execution role lets a
 * function's mappings do. It follows AWS's documented evaluation logic
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html): every request is
 * denied unless a statement allows it; an explicit Deny in any applicable policy wins over every Allow. A statement
 * applies when its action, resource and every condition match. Pure: the caller gathers the policies.
 */

/** A policy document as IAM stores it (JSON). */
export interface PolicyDocument {
  Version?: string;
  Statement: Statement | Statement[];
}

export interface Statement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  /** Trust policies name who may assume a role. */
  Principal?: '*' | Record<string, string | string[]>;
  Condition?: Record<string, Record<string, ConditionValue | ConditionValue[]>>;
}

type ConditionValue = string | number | boolean;

/** The request being authorized: `kinesis:GetRecords` on a stream ARN, with the condition keys we can supply. */
export interface AuthzRequest {
  action: string;
  resource: string;
  /** Condition keys (aws:SourceArn, aws:PrincipalArn, aws:CurrentTime, ...); a list for multivalued keys. */
  context?: Record<string, string | string[]>;
}

/** AWS's three outcomes: allowed by a statement, denied by one, or denied because none allowed. */
export type Decision = 'Allow' | 'ExplicitDeny' | 'ImplicitDeny';

const list = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** `*` any run of characters, `?` any one character; everything else literal. */
function wildcard(pattern: string, flags = ''): RegExp {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`, `s${flags}`);
}

const cache = new Map<string, RegExp>();
function like(pattern: string, value: string, ignoreCase = false): boolean {
  const id = `${ignoreCase ? 'i' : 's'}${pattern}`;
  let re = cache.get(id);
  if (re === undefined) {
    if (cache.size > 10_000) cache.clear();
    re = wildcard(pattern, ignoreCase ? 'i' : '');
    cache.set(id, re);
  }
  return re.test(value);
}

/** Actions match case-insensitively (`kinesis:getrecords` is `kinesis:GetRecords`), with wildcards. */
export function actionMatches(pattern: string, action: string): boolean {
  return like(pattern, action, true);
}

/**
 * ARNs match field by field (partition, service, region, account, resource), each with wildcards, so `*` never
 * spans a `:` of the first five fields but may in the resource.
 */
export function arnMatches(pattern: string, arn: string): boolean {
  if (pattern === '*') return true;
  const p = pattern.split(':');
  const a = arn.split(':');
  // Fewer than six fields on either side: not an ARN pattern this ARN can match (AWS compares field by field).
  if (p.length < 6 || a.length < 6) return false;
  for (let i = 0; i < 5; i++) if (!like(p[i]!, a[i]!)) return false;
  return like(p.slice(5).join(':'), a.slice(5).join(':'));
}

type Compare = (policyValue: string, requestValue: string) => boolean;

const num = (s: string): number => (s.trim() === '' ? Number.NaN : Number(s));
const date = (s: string): number => (/^\d+$/.test(s) ? Number(s) * 1000 : Date.parse(s));

/** The base operators (without IfExists or a set qualifier) and whether they are negated. */
const OPERATORS: Record<string, { test: Compare; negated?: boolean }> = {
  StringEquals: { test: (p, v) => p === v },
  StringNotEquals: { test: (p, v) => p === v, negated: true },
  StringEqualsIgnoreCase: { test: (p, v) => p.toLowerCase() === v.toLowerCase() },
  StringNotEqualsIgnoreCase: { test: (p, v) => p.toLowerCase() === v.toLowerCase(), negated: true },
  StringLike: { test: (p, v) => like(p, v) },
  StringNotLike: { test: (p, v) => like(p, v), negated: true },
  ArnEquals: { test: (p, v) => arnMatches(p, v) },
  ArnLike: { test: (p, v) => arnMatches(p, v) },
  ArnNotEquals: { test: (p, v) => arnMatches(p, v), negated: true },
  ArnNotLike: { test: (p, v) => arnMatches(p, v), negated: true },
  NumericEquals: { test: (p, v) => num(v) === num(p) },
  NumericNotEquals: { test: (p, v) => num(v) === num(p), negated: true },
  NumericLessThan: { test: (p, v) => num(v) < num(p) },
  NumericLessThanEquals: { test: (p, v) => num(v) <= num(p) },
  NumericGreaterThan: { test: (p, v) => num(v) > num(p) },
  NumericGreaterThanEquals: { test: (p, v) => num(v) >= num(p) },
  DateEquals: { test: (p, v) => date(v) === date(p) },
  DateNotEquals: { test: (p, v) => date(v) === date(p), negated: true },
  DateLessThan: { test: (p, v) => date(v) < date(p) },
  DateLessThanEquals: { test: (p, v) => date(v) <= date(p) },
  DateGreaterThan: { test: (p, v) => date(v) > date(p) },
  DateGreaterThanEquals: { test: (p, v) => date(v) >= date(p) },
  Bool: { test: (p, v) => p.toLowerCase() === v.toLowerCase() },
  BinaryEquals: { test: (p, v) => p === v },
  IpAddress: { test: (p, v) => p === v },
  NotIpAddress: { test: (p, v) => p === v, negated: true },
};

/** Thrown for a condition operator IAM does not have (IAM refuses such a policy when it is stored). */
export class UnknownConditionOperator extends Error {}

/** Parses `ForAnyValue:StringLikeIfExists` into its parts. */
export function parseOperator(name: string): {
  set: 'ForAnyValue' | 'ForAllValues' | undefined;
  base: string;
  ifExists: boolean;
} {
  let rest = name;
  let set: 'ForAnyValue' | 'ForAllValues' | undefined;
  const colon = rest.indexOf(':');
  if (colon >= 0) {
    const q = rest.slice(0, colon);
    if (q !== 'ForAnyValue' && q !== 'ForAllValues') throw new UnknownConditionOperator(name);
    set = q;
    rest = rest.slice(colon + 1);
  }
  const ifExists = rest.endsWith('IfExists') && rest !== 'IfExists';
  const base = ifExists ? rest.slice(0, -'IfExists'.length) : rest;
  if (base !== 'Null' && !(base in OPERATORS)) throw new UnknownConditionOperator(name);
  return { set, base, ifExists };
}

/** Context keys are case-insensitive (aws:sourcearn is aws:SourceArn). */
function lookup(context: Record<string, string | string[]>, key: string): string[] | undefined {
  const exact = context[key];
  if (exact !== undefined) return list(exact);
  const lower = key.toLowerCase();
  for (const [k, v] of Object.entries(context)) if (k.toLowerCase() === lower) return list(v);
  return undefined;
}

/** One condition operator's key on the request: AWS's rules for missing keys, multiple values and set operators. */
function conditionHolds(
  operator: string,
  key: string,
  policyValues: string[],
  context: Record<string, string | string[]>,
): boolean {
  const { set, base, ifExists } = parseOperator(operator);
  const values = lookup(context, key);
  if (base === 'Null') {
    // Null: "true" holds when the key is absent, "false" when present.
    const absent = values === undefined || values.length === 0;
    return policyValues.some((p) => (p.toLowerCase() === 'true') === absent);
  }
  const op = OPERATORS[base]!;
  if (values === undefined || values.length === 0) {
    if (ifExists) return true;
    // AWS: a key absent from the request matches no value, so a plain operator is false and a negated one
    // (StringNotLike, ArnNotEquals...) true; ForAllValues holds vacuously, ForAnyValue does not.
    if (set === 'ForAllValues') return true;
    if (set === 'ForAnyValue') return false;
    return op.negated === true;
  }
  const one = (v: string): boolean => {
    const hit = policyValues.some((p) => op.test(p, v));
    return op.negated ? !hit : hit;
  };
  if (set === 'ForAllValues') return values.every(one);
  if (set === 'ForAnyValue') return values.some(one);
  // A single-valued key: its (first) value against the policy's values (any of them, or none for negated).
  return one(values[0]!);
}

function conditionsHold(cond: Statement['Condition'], context: Record<string, string | string[]>): boolean {
  if (!cond) return true;
  for (const [operator, keys] of Object.entries(cond))
    for (const [key, v] of Object.entries(keys))
      if (!conditionHolds(operator, key, list(v).map(String), context)) return false;
  return true;
}

/** Whether a statement applies to the request (principal aside: identity policies have none). */
export function statementApplies(s: Statement, req: AuthzRequest): boolean {
  if (s.Action !== undefined) {
    if (!list(s.Action).some((a) => actionMatches(a, req.action))) return false;
  } else if (s.NotAction !== undefined) {
    if (list(s.NotAction).some((a) => actionMatches(a, req.action))) return false;
  } else return false;
  if (s.Resource !== undefined) {
    if (!list(s.Resource).some((r) => arnMatches(r, req.resource))) return false;
  } else if (s.NotResource !== undefined) {
    if (list(s.NotResource).some((r) => arnMatches(r, req.resource))) return false;
  }
  return conditionsHold(s.Condition, req.context ?? {});
}

/** AWS's decision for a request under a set of identity policies. */
export function evaluate(policies: readonly PolicyDocument[], req: AuthzRequest): Decision {
  let allowed = false;
  for (const doc of policies)
    for (const s of list(doc.Statement)) {
      if (!statementApplies(s, req)) continue;
      if (s.Effect === 'Deny') return 'ExplicitDeny';
      if (s.Effect === 'Allow') allowed = true;
    }
  return allowed ? 'Allow' : 'ImplicitDeny';
}

/** Who asks to assume a role: a service (`lambda.amazonaws.com`) or an IAM principal's ARN. */
export type AssumingPrincipal = { Service: string } | { AWS: string };

function principalMatches(p: Statement['Principal'], who: AssumingPrincipal): boolean {
  if (p === undefined) return false;
  if (p === '*') return true;
  if ('Service' in who) return list(p['Service']).includes(who.Service);
  const account = who.AWS.split(':')[4];
  return list(p['AWS']).some(
    (a) =>
      a === '*' ||
      a === who.AWS ||
      (account !== undefined && (a === account || a === `arn:aws:iam::${account}:root`)),
  );
}

/** Whether a trust policy names this principal's ARN itself (not only its account), in an Allow statement. */
export function trustNamesPrincipal(trust: PolicyDocument, arn: string): boolean {
  return list(trust.Statement).some(
    (s) =>
      s.Effect === 'Allow' &&
      s.Principal !== undefined &&
      s.Principal !== '*' &&
      list(s.Principal['AWS']).includes(arn),
  );
}

/**
 * Whether a role's trust policy lets `who` perform `action` (sts:AssumeRole) on it: a statement naming the
 * principal allows it and none denies it.
 */
export function trustAllows(
  trust: PolicyDocument,
  who: AssumingPrincipal,
  action = 'sts:AssumeRole',
  context: Record<string, string | string[]> = {},
): boolean {
  let allowed = false;
  for (const s of list(trust.Statement)) {
    if (!principalMatches(s.Principal, who)) continue;
    if (!list(s.Action).some((a) => actionMatches(a, action))) continue;
    if (!conditionsHold(s.Condition, context)) continue;
    if (s.Effect === 'Deny') return false;
    allowed = true;
  }
  return allowed;
}
