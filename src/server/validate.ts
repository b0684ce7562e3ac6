import { AwsError, type ValidationIssue } from './errors.js';
import {
  entriesKey,
  itemsKey,
  memberKey,
  type Infer,
  type ListShape,
  type MapShape,
  type Shape,
  type StructureShape,
} from './shapes.js';

/**
 * The one validator: checks a decoded input (JSON, CBOR, or query parameters read by the query codec) against
 * its shape and returns the members the shape declares, read into their types (numbers, booleans, epoch-ms
 * timestamps, Buffers). What is checked is the shape's; how a value is read and how a failure is worded is the
 * service family's `Dialect` (validation-dialects.ts): AWS's families word the same failure differently.
 *
 * Members are checked in the shape's order. A failure the dialect answers with an AwsError is thrown at once;
 * one it answers with an issue is collected, and the issues are thrown together at the end (AWS's "N
 * validation errors detected: ...").
 */

/** What a reader returns for a value of the wrong type. */
export const INVALID: unique symbol = Symbol('invalid');

export type ScalarShape = Exclude<Shape, { type: 'list' | 'map' | 'structure' }>;

/** Where in the input a value is: a structure member, a list item (1-based), a map entry's value or key. */
export interface At {
  readonly parent: At | undefined;
  readonly shape: Shape;
  readonly member?: string;
  readonly index?: number;
  /** The map entry whose value (or, with `isKey`, whose key) this is. */
  readonly key?: string;
  readonly isKey?: true;
  /** For a list item or map entry: the list or map it is in (a map as validated so far). */
  readonly container?: unknown;
}

export interface Failure {
  /**
   * `missing`: a required member is not given. `type`: the value is not of the shape's type. `length` (strings,
   * blobs, lists), `range` (numbers), `pattern` and `enum`: a constraint of the shape is not met (`bound` says
   * which end of a length or range). `check`: the shape's own `check` failed.
   */
  readonly kind: 'missing' | 'type' | 'length' | 'range' | 'pattern' | 'enum' | 'check';
  /** For `check`: the shape's check's words. */
  readonly constraint?: string;
  readonly bound?: 'min' | 'max';
  /** The value as read (a constraint failure of a number read from text has the number). */
  readonly value: unknown;
  /** The value as given. */
  readonly raw: unknown;
  readonly at: At;
}

/** How a service family reads values and words failures. */
export interface Dialect {
  /** Whether a required member's value counts as not given. @default undefined or null */
  missing?(value: unknown, at: At): boolean;
  /** Whether an optional member's value counts as not given. @default undefined or null */
  absent?(value: unknown, at: At): boolean;
  /** Reads a scalar into its type, or returns INVALID. @default `readStrict` (AWS JSON's types) */
  read?(value: unknown, shape: ScalarShape): unknown;
  /** A failure: an AwsError to throw now, or an issue to report with the others. */
  fail(failure: Failure): AwsError | ValidationIssue;
  /** The error for the collected issues (for a dialect whose `fail` answers with issues). */
  issues?(issues: ValidationIssue[]): AwsError;
  /** A string's pattern is checked before its length (Kinesis lists them in that order). */
  patternFirst?: true;
}

const nullish = (v: unknown): boolean => v === undefined || v === null;

/** Validates `input` against `shape` (see the top of this file). */
export function validate<S extends StructureShape>(shape: S, input: unknown, dialect: Dialect): Infer<S>;
export function validate(shape: StructureShape, input: unknown, dialect: Dialect): unknown {
  return validateStructure(shape, input, dialect);
}

/** `validate` for a shape known only as some structure (the input's type is the caller's to know). */
export function validateStructure(
  shape: StructureShape,
  input: unknown,
  dialect: Dialect,
): Record<string, unknown> {
  const walk = new Walk(dialect);
  const out = walk.value(shape, input, { parent: undefined, shape });
  if (walk.issues.length > 0) {
    if (!dialect.issues) throw new Error('validation issues collected by a dialect that cannot report them');
    throw dialect.issues(walk.issues);
  }
  return out as Record<string, unknown>;
}

class Walk {
  readonly issues: ValidationIssue[] = [];
  readonly #dialect: Dialect;

  constructor(dialect: Dialect) {
    this.#dialect = dialect;
  }

  #fail(kind: Failure['kind'], value: unknown, at: At, bound?: 'min' | 'max', raw: unknown = value): void {
    this.#report(bound === undefined ? { kind, value, raw, at } : { kind, value, raw, at, bound });
  }

  #report(failure: Failure): void {
    const answer = this.#dialect.fail(failure);
    if (answer instanceof AwsError) throw answer;
    this.issues.push(answer);
  }

  value(shape: Shape, value: unknown, at: At): unknown {
    if (shape.unchecked) return value;
    const out = this.#typed(shape, value, at);
    const failed = out === undefined ? undefined : shape.check?.(out as never);
    if (failed)
      this.#report({ kind: 'check', value: failed.value, raw: value, at, constraint: failed.constraint });
    return out;
  }

  #typed(shape: Shape, value: unknown, at: At): unknown {
    switch (shape.type) {
      case 'structure': {
        if (!isRecord(value)) return this.#fail('type', value, at);
        const out: Record<string, unknown> = {};
        for (const [name, member] of Object.entries(shape.members)) {
          const v = this.#member(member, value[name], { parent: at, shape: member, member: name });
          if (v !== undefined) out[name] = v;
        }
        return out;
      }
      case 'list': {
        if (!Array.isArray(value)) return this.#fail('type', value, at);
        this.#count(shape, value.length, value, at);
        const fast = shape.fastPath?.(value);
        if (fast) return fast;
        const item = (i: number): At => ({ parent: at, shape: shape.member, index: i + 1, container: value });
        if (shape.itemsByAction) {
          // The action validates each entry itself; here only that each one is a structure.
          const bad = value.findIndex((x) => !isRecord(x));
          if (bad !== -1) this.#fail('type', value[bad], item(bad));
          return value;
        }
        return value.map((x, i) => this.value(shape.member, x, item(i)));
      }
      case 'map':
        return this.#map(shape, value, at);
      default:
        return this.#scalar(shape, value, at);
    }
  }

  /** A map: its size, then every key, then every value (the order AWS lists their failures in). */
  #map(shape: MapShape, value: unknown, at: At): unknown {
    if (!isRecord(value)) return this.#fail('type', value, at);
    const out: Record<string, unknown> = {};
    let entries = Object.entries(value);
    if (shape.dropNullValues) entries = entries.filter(([, v]) => v !== null && v !== undefined);
    // Failures quote the map as validated: `out`, filled in below, is rendered when they are reported.
    this.#count(shape, entries.length, out, at);
    if (shape.key)
      for (const [key] of entries)
        this.#scalar(shape.key, key, { parent: at, shape: shape.key, key, isKey: true, container: out });
    for (const [key, v] of entries) {
      const item = this.value(shape.value, v, { parent: at, shape: shape.value, key, container: out });
      // Own properties, as JSON.parse makes them: a key `__proto__` stays a key (and is refused as one).
      Object.defineProperty(out, key, { value: item, enumerable: true, writable: true, configurable: true });
    }
    return out;
  }

  #member(shape: Shape, value: unknown, at: At): unknown {
    if (shape.required) {
      if ((this.#dialect.missing ?? nullish)(value, at)) return this.#fail('missing', value, at);
    } else if ((this.#dialect.absent ?? nullish)(value, at)) return undefined;
    return this.value(shape, value, at);
  }

  #scalar(shape: ScalarShape, raw: unknown, at: At): unknown {
    const value = (this.#dialect.read ?? readStrict)(raw, shape);
    if (value === INVALID) return this.#fail('type', raw, at);
    switch (shape.type) {
      case 'string': {
        const pattern = (): void => {
          if (shape.pattern && !anchored(shape.pattern).test(value as string))
            this.#fail('pattern', value, at);
        };
        if (this.#dialect.patternFirst) pattern();
        this.#count(shape, codePoints(value as string), value, at);
        if (!this.#dialect.patternFirst) pattern();
        if (shape.enum && !shape.enum.includes(value as string)) this.#fail('enum', value, at);
        break;
      }
      case 'integer':
        if (shape.min !== undefined && (value as number) < shape.min)
          this.#fail('range', value, at, 'min', raw);
        if (shape.max !== undefined && (value as number) > shape.max)
          this.#fail('range', value, at, 'max', raw);
        break;
      case 'blob':
        this.#count(shape, (value as Buffer).length, value, at);
        break;
    }
    return value;
  }

  #count(shape: { min?: number; max?: number }, n: number, value: unknown, at: At): void {
    if (shape.min !== undefined && n < shape.min) this.#fail('length', value, at, 'min');
    if (shape.max !== undefined && n > shape.max) this.#fail('length', value, at, 'max');
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);
}

/** AWS counts lengths in Unicode code points. */
function codePoints(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

const anchoredPatterns = new WeakMap<RegExp, RegExp>();
/** A shape's pattern matches the whole value, as AWS's model patterns do. */
function anchored(pattern: RegExp): RegExp {
  let re = anchoredPatterns.get(pattern);
  if (!re) anchoredPatterns.set(pattern, (re = new RegExp(`^(?:${pattern.source})$`, pattern.flags)));
  return re;
}

/**
 * AWS JSON's types, strictly: strings, finite numbers (integers truncated), booleans, timestamps as epoch
 * seconds or a Date (CBOR), blobs as base64 text or bytes (CBOR).
 */
export function readStrict(value: unknown, shape: ScalarShape): unknown {
  switch (shape.type) {
    case 'string':
      return typeof value === 'string' ? value : INVALID;
    case 'integer':
      return typeof value === 'number' && Number.isFinite(value) ? Math.trunc(value) : INVALID;
    case 'double':
      return typeof value === 'number' && Number.isFinite(value) ? value : INVALID;
    case 'boolean':
      return typeof value === 'boolean' ? value : INVALID;
    case 'timestamp':
      if (value instanceof Date) return Number.isNaN(value.getTime()) ? INVALID : value.getTime();
      return typeof value === 'number' && Number.isFinite(value) ? Math.round(value * 1000) : INVALID;
    case 'blob':
      if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
      if (typeof value === 'string' && /^[A-Za-z0-9+/]*={0,2}$/.test(value) && value.length % 4 !== 1)
        return Buffer.from(value, 'base64');
      return INVALID;
  }
}

// ---------------------------------------------------------------------------------------------
// Where a failure is, in the forms AWS's messages name it.

/** Whether the value is a member of the input itself (a request parameter), not of something in it. */
export function isTopLevel(at: At): boolean {
  return at.member !== undefined && at.parent !== undefined && at.parent.parent === undefined;
}

/** The member a value belongs to: its own name, or for a list item or map value, the list's or map's. */
export function memberOf(at: At): string {
  for (let a: At | undefined = at; a; a = a.parent) if (a.member !== undefined) return a.member;
  return '';
}

/** The query-protocol key of the value: `MetricDataQueries.member.1.MetricStat.Period`. */
export function queryKeyOf(at: At | undefined): string {
  if (at?.parent === undefined) return ''; // the input itself
  const parent = queryKeyOf(at.parent);
  if (at.member !== undefined) return memberKey(parent, at.member, at.shape);
  if (at.index !== undefined) return `${itemsKey(parent, at.parent.shape as ListShape)}.${at.index}`;
  return `${entriesKey(parent, at.parent.shape as MapShape)}.${at.key}`;
}
