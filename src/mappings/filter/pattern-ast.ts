/**
 * A filter pattern after validation: the EventBridge pattern JSON turned into a small typed tree that the
 * compiler (compile-pattern.ts) turns into closures. Nothing here is looked at per record.
 */

/** One entry of a leaf array, e.g. `"buy"`, `{"prefix": "us-"}`, `{"numeric": [">", 0]}`. */
export type LeafMatcher =
  /** Exact strings, numbers, booleans and null, gathered per leaf (one Set lookup). */
  | { kind: 'equals'; value: string | number | boolean | null }
  | { kind: 'prefix'; value: string; ignoreCase: boolean }
  | { kind: 'suffix'; value: string; ignoreCase: boolean }
  | { kind: 'equals-ignore-case'; value: string }
  | { kind: 'wildcard'; regex: RegExp }
  /** `anything-but` with a value or a list: strings and/or (comparable) numbers. */
  | { kind: 'anything-but'; values: (string | number)[] }
  | { kind: 'anything-but-prefix'; values: string[] }
  | { kind: 'anything-but-suffix'; values: string[] }
  | { kind: 'anything-but-ignore-case'; values: string[] }
  | { kind: 'anything-but-wildcard'; regexes: RegExp[] }
  | { kind: 'numeric'; lower?: Bound; upper?: Bound }
  | { kind: 'exists'; value: boolean };

export interface Bound {
  value: number;
  inclusive: boolean;
}

export type FieldPattern =
  | { key: string; kind: 'leaf'; matchers: LeafMatcher[] }
  | { key: string; kind: 'object'; pattern: ObjectPattern };

/** An object level: every field must match (AND), and one branch of `$or` when present. */
export interface ObjectPattern {
  fields: FieldPattern[];
  /** Branches of this level's `$or`; undefined when the level has none. */
  anyOf: ObjectPattern[] | undefined;
}
