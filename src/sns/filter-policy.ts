import { invalidParameter } from './errors.js';
import type { SnsMessageAttributes } from './model.js';

/**
 * Subscription filter policies: for each key, one of the listed conditions must hold; all keys must
 * match. Conditions: exact strings and numbers, `prefix`, `suffix`, `equals-ignore-case`,
 * `anything-but` (value, list, or {prefix}), `numeric` ranges and `exists`. Scope MessageAttributes
 * matches message attributes (String.Array: any element); scope MessageBody matches nested keys of a
 * JSON message. `$or` is not supported (refused when the policy is set).
 */
export type FilterScope = 'MessageAttributes' | 'MessageBody';

type Condition = (value: unknown, present: boolean) => boolean;

interface Compiled {
  /** path -> alternatives */
  keys: Array<{ path: string[]; anyOf: Condition[] }>;
}

const NUMERIC_OPS = new Set(['=', '<', '<=', '>', '>=']);

function bad(why: string): Error {
  return invalidParameter(`Filter policy: ${why}`);
}

function compileCondition(c: unknown): Condition {
  if (typeof c === 'string')
    return (v, present) => present && (v === c || (Array.isArray(v) && v.includes(c)));
  if (typeof c === 'number') return (v, present) => present && anyValue(v, (x) => toNumber(x) === c);
  if (c === null) return (v, present) => present && v === null;
  if (typeof c !== 'object' || Array.isArray(c))
    throw bad(`Match value must be String, number, true, false, or null`);
  const entries = Object.entries(c as Record<string, unknown>);
  if (entries.length !== 1) throw bad('Only one key allowed in match expression');
  const [op, arg] = entries[0]!;
  switch (op) {
    case 'prefix':
      if (typeof arg !== 'string') throw bad('prefix match pattern must be a string');
      return (v, present) => present && anyValue(v, (x) => typeof x === 'string' && x.startsWith(arg));
    case 'suffix':
      if (typeof arg !== 'string') throw bad('suffix match pattern must be a string');
      return (v, present) => present && anyValue(v, (x) => typeof x === 'string' && x.endsWith(arg));
    case 'equals-ignore-case':
      if (typeof arg !== 'string') throw bad('equals-ignore-case match pattern must be a string');
      return (v, present) =>
        present && anyValue(v, (x) => typeof x === 'string' && x.toLowerCase() === arg.toLowerCase());
    case 'exists':
      if (typeof arg !== 'boolean') throw bad('exists match pattern must be either true or false.');
      return (_v, present) => present === arg;
    case 'anything-but': {
      if (typeof arg === 'object' && arg !== null && !Array.isArray(arg)) {
        const prefix = (arg as Record<string, unknown>).prefix;
        if (typeof prefix !== 'string') throw bad('Unsupported anything-but pattern');
        return (v, present) => present && !anyValue(v, (x) => typeof x === 'string' && x.startsWith(prefix));
      }
      const list = Array.isArray(arg) ? arg : [arg];
      return (v, present) =>
        present &&
        !anyValue(v, (x) => list.some((l) => l === x || (typeof l === 'number' && toNumber(x) === l)));
    }
    case 'numeric': {
      if (!Array.isArray(arg) || (arg.length !== 2 && arg.length !== 4))
        throw bad('Value of numeric must be an array.');
      const tests: Array<(n: number) => boolean> = [];
      for (let i = 0; i < arg.length; i += 2) {
        const o = arg[i];
        const n = arg[i + 1];
        if (typeof o !== 'string' || !NUMERIC_OPS.has(o) || typeof n !== 'number')
          throw bad('Unrecognized numeric range operator');
        tests.push(numericTest(o, n));
      }
      return (v, present) =>
        present &&
        anyValue(v, (x) => {
          const n = toNumber(x);
          return n !== undefined && tests.every((t) => t(n));
        });
    }
    default:
      throw bad(`Unrecognized match type ${op}`);
  }
}

function numericTest(op: string, n: number): (x: number) => boolean {
  switch (op) {
    case '=':
      return (x) => x === n;
    case '<':
      return (x) => x < n;
    case '<=':
      return (x) => x <= n;
    case '>':
      return (x) => x > n;
    default:
      return (x) => x >= n;
  }
}

function toNumber(x: unknown): number | undefined {
  if (typeof x === 'number') return x;
  if (typeof x === 'string' && x.trim() !== '' && Number.isFinite(Number(x))) return Number(x);
  return undefined;
}

function anyValue(v: unknown, test: (x: unknown) => boolean): boolean {
  return Array.isArray(v) ? v.some(test) : test(v);
}

function walk(policy: Record<string, unknown>, path: string[], out: Compiled['keys'], nested: boolean): void {
  for (const [key, value] of Object.entries(policy)) {
    if (key === '$or') throw bad('$or is not supported by Tributary');
    if (Array.isArray(value)) {
      if (value.length === 0) throw bad(`Empty arrays are not allowed`);
      out.push({ path: [...path, key], anyOf: value.map(compileCondition) });
    } else if (nested && typeof value === 'object' && value !== null) {
      walk(value as Record<string, unknown>, [...path, key], out, nested);
    } else {
      throw bad(`"${key}" must be an object or an array`);
    }
  }
}

export function compileFilterPolicy(text: string, scope: FilterScope): Compiled {
  let policy: unknown;
  try {
    policy = JSON.parse(text);
  } catch {
    throw bad('failed to parse JSON.');
  }
  if (typeof policy !== 'object' || policy === null || Array.isArray(policy))
    throw bad('Filter policy must be a JSON object');
  const keys: Compiled['keys'] = [];
  walk(policy as Record<string, unknown>, [], keys, scope === 'MessageBody');
  return { keys };
}

function attributeValue(a: SnsMessageAttributes[string]): unknown {
  if (a.DataType === 'String.Array') {
    try {
      return JSON.parse(a.StringValue ?? '[]') as unknown;
    } catch {
      return undefined;
    }
  }
  if (a.DataType === 'Number') return Number(a.StringValue);
  return a.StringValue;
}

/** Whether a publication passes a subscription's filter policy. */
export function matchesFilter(
  compiled: Compiled,
  scope: FilterScope,
  message: string,
  attributes: SnsMessageAttributes | undefined,
): boolean {
  let body: unknown;
  if (scope === 'MessageBody') {
    try {
      body = JSON.parse(message);
    } catch {
      return false;
    }
  }
  return compiled.keys.every(({ path, anyOf }) => {
    let present: boolean;
    let value: unknown;
    if (scope === 'MessageAttributes') {
      const a = attributes?.[path[0]!];
      present = a !== undefined && a.DataType !== 'Binary';
      value = a ? attributeValue(a) : undefined;
    } else {
      let cur: unknown = body;
      present = true;
      for (const p of path) {
        if (typeof cur !== 'object' || cur === null || Array.isArray(cur) || !Object.hasOwn(cur, p)) {
          present = false;
          cur = undefined;
          break;
        }
        cur = (cur as Record<string, unknown>)[p];
      }
      value = cur;
    }
    return anyOf.some((c) => c(value, present));
  });
}
