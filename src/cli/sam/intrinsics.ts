import type { TemplatePath } from './template.js';

/**
 * CloudFormation's intrinsic functions, in their long form (the loader turns `!Ref X` into `{Ref: X}`): Ref,
 * Fn::GetAtt, Fn::Sub, Fn::Join, Fn::If, Fn::Select, Fn::Split, and in Conditions Fn::Equals, Fn::Not, Fn::And,
 * Fn::Or and Condition. `Ref: AWS::NoValue` removes the property or list item it stands for.
 */

/** What names resolve to while a template is evaluated. */
export interface Scope {
  /** A parameter's value or a pseudo parameter's (AWS::Region...); undefined when there is none of that name. */
  parameter(name: string): unknown;
  /** A resource's Ref value; undefined when there is none of that logical id. */
  ref(logicalId: string): string | undefined;
  /** A resource's attribute; undefined when it has no such attribute. */
  attribute(logicalId: string, name: string): string | undefined;
  condition(name: string): boolean;
}

/** A template the evaluator cannot read: where, and why. */
export class IntrinsicError extends Error {
  constructor(
    readonly path: TemplatePath,
    message: string,
  ) {
    super(message);
    this.name = 'IntrinsicError';
  }
}

/** Removed where it appears (`!Ref AWS::NoValue`). */
export const NO_VALUE = Symbol('AWS::NoValue');

export const INTRINSICS = [
  'Ref',
  'Fn::GetAtt',
  'Fn::Sub',
  'Fn::Join',
  'Fn::If',
  'Fn::Select',
  'Fn::Split',
  'Fn::Equals',
  'Fn::Not',
  'Fn::And',
  'Fn::Or',
  'Condition',
];

/** The intrinsic a value is, if it is one: an object with one key that is a function's name. */
export function intrinsicOf(v: unknown): [string, unknown] | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
  const keys = Object.keys(v);
  if (keys.length !== 1) return undefined;
  const k = keys[0]!;
  if (k === 'Ref' || k === 'Condition' || k.startsWith('Fn::')) return [k, (v as Record<string, unknown>)[k]];
  return undefined;
}

/** Resolves every intrinsic in `value`; the result holds only JSON values. */
export function evaluate(value: unknown, scope: Scope, path: TemplatePath = []): unknown {
  const v = evaluateOrNoValue(value, scope, path);
  return v === NO_VALUE ? undefined : v;
}

function evaluateOrNoValue(value: unknown, scope: Scope, path: TemplatePath): unknown {
  if (Array.isArray(value))
    return value.map((x, i) => evaluateOrNoValue(x, scope, [...path, i])).filter((x) => x !== NO_VALUE);
  if (typeof value !== 'object' || value === null) return value;
  const fn = intrinsicOf(value);
  if (fn) return call(fn[0], fn[1], scope, [...path, fn[0]]);
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(value)) {
    const r = evaluateOrNoValue(x, scope, [...path, k]);
    if (r !== NO_VALUE) out[k] = r;
  }
  return out;
}

function call(fn: string, arg: unknown, scope: Scope, path: TemplatePath): unknown {
  const fail = (message: string): never => {
    throw new IntrinsicError(path, message);
  };
  const ev = (x: unknown): unknown => evaluateOrNoValue(x, scope, path);
  const list = (x: unknown, n?: number): unknown[] => {
    if (!Array.isArray(x) || (n !== undefined && x.length !== n))
      fail(`${fn} takes a list${n === undefined ? '' : ` of ${n}`}`);
    return x as unknown[];
  };
  switch (fn) {
    case 'Ref': {
      if (typeof arg !== 'string') return fail('Ref takes a name');
      if (arg === 'AWS::NoValue') return NO_VALUE;
      const p = scope.parameter(arg);
      if (p !== undefined) return p;
      return scope.ref(arg) ?? fail(`Ref ${arg}: no parameter or resource of that name`);
    }
    case 'Fn::GetAtt': {
      const [res, attr] = typeof arg === 'string' ? arg.split(/\.(.*)/s) : list(arg, 2).map(ev);
      if (typeof res !== 'string' || typeof attr !== 'string')
        return fail('Fn::GetAtt takes [resource, attribute]');
      return scope.attribute(res, attr) ?? fail(`Fn::GetAtt ${res}.${attr}: no such resource attribute`);
    }
    case 'Fn::Sub': {
      const [text, vars] = typeof arg === 'string' ? [arg, {}] : list(arg, 2);
      if (typeof text !== 'string' || typeof vars !== 'object' || vars === null)
        return fail('Fn::Sub takes a string or [string, {variables}]');
      const local = ev(vars) as Record<string, unknown>;
      return text.replace(/\$\{([^}]*)\}/g, (whole, name: string) => {
        if (name.startsWith('!')) return '${' + name.slice(1) + '}';
        if (name in local) return String(local[name]);
        const dot = name.indexOf('.');
        if (dot > 0 && scope.parameter(name) === undefined) {
          const a = scope.attribute(name.slice(0, dot), name.slice(dot + 1));
          return a ?? fail(`Fn::Sub \${${name}}: no such resource attribute`);
        }
        const p = scope.parameter(name);
        if (p !== undefined) return Array.isArray(p) ? p.join(',') : String(p);
        return scope.ref(name) ?? fail(`Fn::Sub ${whole}: no parameter or resource of that name`);
      });
    }
    case 'Fn::Join': {
      const [sep, items] = list(arg, 2);
      const values = ev(items);
      if (typeof sep !== 'string' || !Array.isArray(values))
        return fail('Fn::Join takes [separator, [values]]');
      return values.map(String).join(sep);
    }
    case 'Fn::If': {
      const [cond, yes, no] = list(arg, 3);
      if (typeof cond !== 'string')
        return fail('Fn::If takes [condition name, value if true, value if false]');
      return scope.condition(cond) ? ev(yes) : ev(no);
    }
    case 'Fn::Select': {
      const [index, items] = list(arg, 2);
      const i = Number(ev(index));
      const values = ev(items);
      if (!Array.isArray(values) || !Number.isInteger(i) || i < 0 || i >= values.length)
        return fail('Fn::Select takes [index, [values]] with the index inside the list');
      return values[i];
    }
    case 'Fn::Split': {
      const [sep, text] = list(arg, 2);
      const s = ev(text);
      if (typeof sep !== 'string' || typeof s !== 'string')
        return fail('Fn::Split takes [separator, string]');
      return s.split(sep);
    }
    case 'Fn::Equals': {
      const [a, b] = list(arg, 2).map(ev);
      return JSON.stringify(a) === JSON.stringify(b);
    }
    case 'Fn::Not':
      return !truth(ev(list(arg, 1)[0]), fail);
    case 'Fn::And':
      return list(arg).every((x) => truth(ev(x), fail));
    case 'Fn::Or':
      return list(arg).some((x) => truth(ev(x), fail));
    case 'Condition':
      if (typeof arg !== 'string') return fail('Condition takes a condition name');
      return scope.condition(arg);
    default:
      return fail(`${fn} is not supported by Tributary (supported: ${INTRINSICS.join(', ')})`);
  }
}

function truth(v: unknown, fail: (m: string) => never): boolean {
  if (typeof v !== 'boolean') return fail('a condition function takes conditions (true or false)');
  return v;
}

/** The logical ids a value refers to (Ref, Fn::GetAtt, ${X} and ${X.Attr} in Fn::Sub): what it depends on. */
export function references(value: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) {
    for (const x of value) references(x, out);
    return out;
  }
  if (typeof value !== 'object' || value === null) return out;
  const fn = intrinsicOf(value);
  if (fn) {
    const [name, arg] = fn;
    if (name === 'Ref' && typeof arg === 'string') out.add(arg);
    else if (name === 'Fn::GetAtt') {
      const res = typeof arg === 'string' ? arg.split('.')[0] : Array.isArray(arg) ? arg[0] : undefined;
      if (typeof res === 'string') out.add(res);
    } else if (name === 'Fn::Sub') {
      const text = typeof arg === 'string' ? arg : Array.isArray(arg) ? arg[0] : undefined;
      // Names the list form's own variables define are not references.
      const vars = Array.isArray(arg) && typeof arg[1] === 'object' && arg[1] !== null ? arg[1] : {};
      if (typeof text === 'string')
        for (const m of text.matchAll(/\$\{([^!}][^}.]*)(\.[^}]*)?\}/g)) if (!(m[1]! in vars)) out.add(m[1]!);
      if (Array.isArray(arg)) references(arg[1], out);
    }
    if (name !== 'Ref' && name !== 'Fn::GetAtt' && name !== 'Fn::Sub') references(arg, out);
    return out;
  }
  for (const x of Object.values(value)) references(x, out);
  return out;
}
