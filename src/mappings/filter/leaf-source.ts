import type { LeafMatcher } from './pattern-ast.js';

/** Where generated code keeps the values it compares with: `c[i]`, never spliced into the source. */
export interface ConstantPool {
  /** The expression that reads `value` back in the generated code. */
  constant(value: unknown): string;
}

/**
 * The JavaScript expression, over the variable `v` (a primitive leaf value of the record), that is true when
 * one of `matchers` accepts it (matchers are ORed). `exists: false` is not a value test: callers handle it.
 * Values come from the pool: no text taken from a pattern is ever placed in the source.
 */
export function valueTestSource(matchers: LeafMatcher[], pool: ConstantPool): string {
  const tests: string[] = [];
  // Exact values of any JSON type share one lookup: Set equality (SameValueZero) keeps "1" and 1 apart, like
  // the engine, which compares "1" (a quoted string) and 1 as different texts.
  const exact = matchers.flatMap((m) => (m.kind === 'equals' ? [m.value] : []));
  if (exact.length === 1) tests.push(`v === ${pool.constant(exact[0])}`);
  else if (exact.length > 1) tests.push(`${pool.constant(new Set<unknown>(exact))}.has(v)`);
  for (const m of matchers) if (m.kind !== 'equals') tests.push(matcherSource(m, pool));
  return tests.length === 0 ? 'false' : tests.map((t) => `(${t})`).join(' || ');
}

function matcherSource(m: Exclude<LeafMatcher, { kind: 'equals' }>, pool: ConstantPool): string {
  const str = "typeof v === 'string'";
  const notStr = "typeof v !== 'string'";
  switch (m.kind) {
    case 'exists':
      return m.value ? 'true' : 'false'; // exists: true — any leaf value will do
    case 'prefix':
      return `${str} && ${m.ignoreCase ? 'v.toLowerCase()' : 'v'}.startsWith(${pool.constant(m.value)})`;
    case 'suffix':
      return `${str} && ${m.ignoreCase ? 'v.toLowerCase()' : 'v'}.endsWith(${pool.constant(m.value)})`;
    case 'equals-ignore-case':
      return `${str} && v.toLowerCase() === ${pool.constant(m.value)}`;
    case 'wildcard':
      return `${str} && ${pool.constant(m.regex)}.test(v)`;
    case 'anything-but':
      // Any value not in the list — other JSON types (numbers vs strings, null, booleans) always differ.
      return `!${pool.constant(new Set<unknown>(m.values))}.has(v)`;
    case 'anything-but-prefix':
      return `${notStr} || !h.someStartsWith(${pool.constant(m.values)}, v)`;
    case 'anything-but-suffix':
      return `${notStr} || !h.someEndsWith(${pool.constant(m.values)}, v)`;
    case 'anything-but-ignore-case':
      return `${notStr} || !${pool.constant(new Set(m.values))}.has(v.toLowerCase())`;
    case 'anything-but-wildcard':
      return `${notStr} || !h.someMatch(${pool.constant(m.regexes)}, v)`;
    case 'numeric': {
      const parts = ["typeof v === 'number'"];
      if (m.lower) parts.push(`v ${m.lower.inclusive ? '>=' : '>'} ${pool.constant(m.lower.value)}`);
      if (m.upper) parts.push(`v ${m.upper.inclusive ? '<=' : '<'} ${pool.constant(m.upper.value)}`);
      parts.push('h.isComparable(v)');
      return parts.join(' && ');
    }
  }
}

/** Helpers the generated code calls as `h.name`. */
export const leafHelpers = {
  someStartsWith(list: string[], v: string): boolean {
    for (let i = 0; i < list.length; i++) if (v.startsWith(list[i] as string)) return true;
    return false;
  },
  someEndsWith(list: string[], v: string): boolean {
    for (let i = 0; i < list.length; i++) if (v.endsWith(list[i] as string)) return true;
    return false;
  },
  someMatch(list: RegExp[], v: string): boolean {
    for (let i = 0; i < list.length; i++) if ((list[i] as RegExp).test(v)) return true;
    return false;
  },
};
