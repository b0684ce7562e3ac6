import { isComparable } from './comparable-number.js';
import type { LeafMatcher } from './pattern-ast.js';
import { ProjectedObject } from './projection.js';

/** Tests the value found at a leaf path: undefined (absent), a primitive, an array, or a projected object. */
export type LeafTest = (value: unknown) => boolean;
type ValueTest = (v: unknown) => boolean;

/**
 * Compiles a leaf array (matchers ORed). A path's leaf values are its primitive value, or the primitives of its
 * array (nested arrays flattened); an object has none. `exists: false` holds when there are no leaf values,
 * every other matcher holds when some leaf value satisfies it — so `anything-but` on an array matches when any
 * element differs, as in EventBridge.
 */
export function compileLeafTest(matchers: LeafMatcher[]): LeafTest {
  const absentOk = matchers.some((m) => m.kind === 'exists' && !m.value);
  const valueTest = compileValueTest(matchers.filter((m) => !(m.kind === 'exists' && !m.value)));
  return (value) => {
    if (value === undefined || value instanceof ProjectedObject) return absentOk;
    if (Array.isArray(value)) {
      const r = arrayLeaves(value, valueTest);
      return r === MATCHED || (r === NO_LEAVES && absentOk);
    }
    return valueTest(value);
  };
}

const NO_LEAVES = 0;
const UNMATCHED = 1;
const MATCHED = 2;

function arrayLeaves(values: unknown[], test: ValueTest): number {
  let result = NO_LEAVES;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Array.isArray(v)) {
      const r = arrayLeaves(v, test);
      if (r === MATCHED) return MATCHED;
      if (r === UNMATCHED) result = UNMATCHED;
    } else if (!(v instanceof ProjectedObject)) {
      if (test(v)) return MATCHED;
      result = UNMATCHED;
    }
  }
  return result;
}

const never: ValueTest = () => false;
const always: ValueTest = () => true;

function compileValueTest(matchers: LeafMatcher[]): ValueTest {
  const tests: ValueTest[] = [];
  // Exact values of any JSON type share one lookup: Set equality (SameValueZero) keeps "1" and 1 apart, like
  // the engine, which compares "1" (a quoted string) and 1 as different texts.
  const exact = matchers.flatMap((m) => (m.kind === 'equals' ? [m.value] : []));
  if (exact.length === 1) {
    const only = exact[0];
    tests.push((v) => v === only);
  } else if (exact.length > 1) {
    const set = new Set<unknown>(exact);
    tests.push((v) => set.has(v));
  }
  for (const m of matchers) {
    if (m.kind !== 'equals') tests.push(compileMatcher(m));
  }
  if (tests.length === 0) return never;
  if (tests.length === 1) return tests[0] as ValueTest;
  if (tests.length === 2) {
    const [a, c] = tests as [ValueTest, ValueTest];
    return (v) => a(v) || c(v);
  }
  return (v) => {
    for (let i = 0; i < tests.length; i++) if ((tests[i] as ValueTest)(v)) return true;
    return false;
  };
}

function compileMatcher(m: Exclude<LeafMatcher, { kind: 'equals' }>): ValueTest {
  switch (m.kind) {
    case 'exists':
      return always; // exists: true — any leaf value will do (exists: false is handled by the caller)
    case 'prefix': {
      const s = m.value;
      return m.ignoreCase
        ? (v) => typeof v === 'string' && v.toLowerCase().startsWith(s)
        : (v) => typeof v === 'string' && v.startsWith(s);
    }
    case 'suffix': {
      const s = m.value;
      return m.ignoreCase
        ? (v) => typeof v === 'string' && v.toLowerCase().endsWith(s)
        : (v) => typeof v === 'string' && v.endsWith(s);
    }
    case 'equals-ignore-case': {
      const s = m.value;
      return (v) => typeof v === 'string' && v.toLowerCase() === s;
    }
    case 'wildcard': {
      const re = m.regex;
      return (v) => typeof v === 'string' && re.test(v);
    }
    case 'anything-but': {
      // Any value not in the list — other JSON types (numbers vs strings, null, booleans) always differ.
      const set = new Set<unknown>(m.values);
      return (v) => !set.has(v);
    }
    case 'anything-but-prefix': {
      const list = m.values;
      return (v) => typeof v !== 'string' || !someString(list, v, startsWith);
    }
    case 'anything-but-suffix': {
      const list = m.values;
      return (v) => typeof v !== 'string' || !someString(list, v, endsWith);
    }
    case 'anything-but-ignore-case': {
      const set = new Set(m.values);
      return (v) => typeof v !== 'string' || !set.has(v.toLowerCase());
    }
    case 'anything-but-wildcard': {
      const list = m.regexes;
      return (v) => typeof v !== 'string' || !someRegex(list, v);
    }
    case 'numeric':
      return compileNumeric(m.lower, m.upper);
  }
}

function compileNumeric(
  lower: { value: number; inclusive: boolean } | undefined,
  upper: { value: number; inclusive: boolean } | undefined,
): ValueTest {
  const lo = lower?.value ?? -Infinity;
  const hi = upper?.value ?? Infinity;
  const loIncl = lower?.inclusive ?? true;
  const hiIncl = upper?.inclusive ?? true;
  return (v) =>
    typeof v === 'number' && (loIncl ? v >= lo : v > lo) && (hiIncl ? v <= hi : v < hi) && isComparable(v);
}

const startsWith = (v: string, s: string): boolean => v.startsWith(s);
const endsWith = (v: string, s: string): boolean => v.endsWith(s);

function someString(list: string[], v: string, test: (v: string, s: string) => boolean): boolean {
  for (let i = 0; i < list.length; i++) if (test(v, list[i] as string)) return true;
  return false;
}

function someRegex(list: RegExp[], v: string): boolean {
  for (let i = 0; i < list.length; i++) if ((list[i] as RegExp).test(v)) return true;
  return false;
}
