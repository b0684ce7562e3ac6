import { isComparable } from './comparable-number.js';
import { PatternError } from './errors.js';
import type { Bound, FieldPattern, LeafMatcher, ObjectPattern } from './pattern-ast.js';

/**
 * Validates one `Filter.Pattern` string with the rules of AWS's pattern engine (aws/event-ruler
 * `JsonRuleCompiler`, which Lambda's filter syntax follows) and returns its typed tree. Throws `PatternError`.
 */
export function parsePattern(text: string): ObjectPattern {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new PatternError('Pattern is not valid JSON');
  }
  if (!isPlainObject(json)) throw new PatternError('Filter is not an object');
  return parseObject(json, false);
}

/** Operator names that may not be used as field names inside `$or` (event-ruler reserves them). */
const RESERVED_IN_OR = new Set([
  'exact',
  'equals-ignore-case',
  'prefix',
  'suffix',
  'anything-but',
  'exists',
  'wildcard',
  'numeric',
  'cidr',
  '=',
  '<',
  '<=',
  '>',
  '>=',
]);

function parseObject(obj: Record<string, unknown>, insideOr: boolean): ObjectPattern {
  const keys = Object.keys(obj);
  if (keys.length === 0) throw new PatternError('Empty objects are not allowed');
  const fields: FieldPattern[] = [];
  let anyOf: ObjectPattern[] | undefined;
  for (const key of keys) {
    const value = obj[key];
    if (key === '$or') {
      anyOf = parseOr(value);
      continue;
    }
    if (insideOr && RESERVED_IN_OR.has(key)) {
      throw new PatternError(`${key} is a reserved field name inside $or`);
    }
    if (Array.isArray(value)) fields.push({ key, kind: 'leaf', matchers: parseLeafArray(value) });
    else if (isPlainObject(value))
      fields.push({ key, kind: 'object', pattern: parseObject(value, insideOr) });
    else throw new PatternError(`"${key}" must be an object or an array`);
  }
  return { fields, anyOf };
}

function parseOr(value: unknown): ObjectPattern[] {
  if (!Array.isArray(value)) throw new PatternError('$or must be followed by an array');
  if (value.length < 2) throw new PatternError('There must be at least 2 objects in $or');
  return value.map((branch) => {
    if (!isPlainObject(branch)) throw new PatternError('Only JSON objects are allowed in a $or array');
    return parseObject(branch, true);
  });
}

function parseLeafArray(values: unknown[]): LeafMatcher[] {
  if (values.length === 0) throw new PatternError('Empty arrays are not allowed');
  return values.map((v): LeafMatcher => {
    if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') {
      return { kind: 'equals', value: v };
    }
    if (isPlainObject(v)) return parseMatchExpression(v);
    throw new PatternError('Match value must be a string, number, true, false, null or an operator object');
  });
}

function parseMatchExpression(expr: Record<string, unknown>): LeafMatcher {
  const keys = Object.keys(expr);
  if (keys.length !== 1) throw new PatternError('A match expression has exactly one operator');
  const op = keys[0] as string;
  const operand = expr[op];
  switch (op) {
    case 'prefix':
    case 'suffix': {
      if (typeof operand === 'string') return { kind: op, value: operand, ignoreCase: false };
      const ignoreCase = singleKey(operand, 'equals-ignore-case');
      if (typeof ignoreCase === 'string')
        return { kind: op, value: ignoreCase.toLowerCase(), ignoreCase: true };
      throw new PatternError(`${op} match pattern must be a string`);
    }
    case 'equals-ignore-case':
      if (typeof operand !== 'string')
        throw new PatternError('equals-ignore-case match pattern must be a string');
      return { kind: 'equals-ignore-case', value: operand.toLowerCase() };
    case 'wildcard':
      if (typeof operand !== 'string') throw new PatternError('wildcard match pattern must be a string');
      return { kind: 'wildcard', regex: wildcardRegex(operand) };
    case 'anything-but':
      return parseAnythingBut(operand);
    case 'numeric':
      return parseNumeric(operand);
    case 'exists':
      if (typeof operand !== 'boolean')
        throw new PatternError('exists match pattern must be either true or false');
      return { kind: 'exists', value: operand };
    default:
      throw new PatternError(`Unrecognized match type ${op}`);
  }
}

function parseAnythingBut(operand: unknown): LeafMatcher {
  if (typeof operand === 'string') return { kind: 'anything-but', values: [operand] };
  if (typeof operand === 'number') return { kind: 'anything-but', values: [comparableOperand(operand)] };
  if (Array.isArray(operand)) {
    const allStrings = operand.every((v) => typeof v === 'string');
    const allNumbers = operand.every((v) => typeof v === 'number');
    if (operand.length === 0 || !(allStrings || allNumbers)) {
      throw new PatternError('Inside anything-but list, either all values are numbers or all are strings');
    }
    return {
      kind: 'anything-but',
      values: operand.map((v: string | number) => (typeof v === 'number' ? comparableOperand(v) : v)),
    };
  }
  if (isPlainObject(operand)) {
    const keys = Object.keys(operand);
    if (keys.length !== 1) throw new PatternError('anything-but takes exactly one nested operator');
    const op = keys[0] as string;
    const inner = operand[op];
    switch (op) {
      case 'prefix':
      case 'suffix': {
        const values = stringOrStrings(inner, false);
        if (values.some((s) => s === '')) throw new PatternError('Null prefix/suffix not allowed');
        return { kind: op === 'prefix' ? 'anything-but-prefix' : 'anything-but-suffix', values };
      }
      case 'equals-ignore-case':
        return {
          kind: 'anything-but-ignore-case',
          values: stringOrStrings(inner, true).map((s) => s.toLowerCase()),
        };
      case 'wildcard':
        return { kind: 'anything-but-wildcard', regexes: stringOrStrings(inner, false).map(wildcardRegex) };
      default:
        throw new PatternError(`Unsupported anything-but pattern: ${op}`);
    }
  }
  throw new PatternError('Value of anything-but must be an array or a single string/number value');
}

function parseNumeric(operand: unknown): LeafMatcher {
  if (!Array.isArray(operand)) throw new PatternError('Value of numeric must be an array');
  const [op1, v1, op2, v2] = operand as unknown[];
  const n = operand.length;
  if (op1 === '=' && n === 2) {
    const value = comparableOperand(v1);
    return { kind: 'numeric', lower: { value, inclusive: true }, upper: { value, inclusive: true } };
  }
  if ((op1 === '<' || op1 === '<=') && n === 2) {
    return { kind: 'numeric', upper: { value: comparableOperand(v1), inclusive: op1 === '<=' } };
  }
  if (op1 === '>' || op1 === '>=') {
    const lower: Bound = { value: comparableOperand(v1), inclusive: op1 === '>=' };
    if (n === 2) return { kind: 'numeric', lower };
    if (n === 4 && (op2 === '<' || op2 === '<=')) {
      const upper: Bound = { value: comparableOperand(v2), inclusive: op2 === '<=' };
      if (!(lower.value < upper.value)) throw new PatternError('Bottom must be less than top');
      return { kind: 'numeric', lower, upper };
    }
  }
  throw new PatternError('Bad numeric expression');
}

/** A number operand the engine can compare: finite, within +/- 5e11, at most six decimal places. */
function comparableOperand(v: unknown): number {
  if (typeof v !== 'number' || !isComparable(v)) {
    throw new PatternError('Numeric operand must be a number between -5e11 and 5e11 with at most 6 decimals');
  }
  return v;
}

function stringOrStrings(v: unknown, allowEmptyList: boolean): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v) && (allowEmptyList || v.length > 0) && v.every((s) => typeof s === 'string')) {
    return v as string[];
  }
  throw new PatternError('Operand must be a string or a list of strings');
}

function singleKey(v: unknown, key: string): unknown {
  if (!isPlainObject(v)) return undefined;
  const keys = Object.keys(v);
  return keys.length === 1 && keys[0] === key ? v[key] : undefined;
}

/**
 * EventBridge wildcard: `*` matches any run of characters, `\*` is a literal star, `\\` a literal backslash;
 * any other escape and two consecutive unescaped stars are invalid.
 */
function wildcardRegex(text: string): RegExp {
  let source = '^';
  let previousWasStar = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (c === '*') {
      if (previousWasStar) throw new PatternError('Consecutive wildcard characters are not allowed');
      source += '[\\s\\S]*';
      previousWasStar = true;
      continue;
    }
    previousWasStar = false;
    if (c === '\\') {
      const next = text[i + 1];
      if (next !== '*' && next !== '\\') throw new PatternError('Invalid escape in wildcard pattern');
      source += '\\' + next;
      i++;
      continue;
    }
    source += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(source + '$');
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
