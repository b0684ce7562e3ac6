import { isComparable } from './comparable-number.js';
import type { FilterableKinesisRecord } from './kinesis-record.js';
import { leafHelpers, valueTestSource, type ConstantPool } from './leaf-source.js';
import type { FieldPattern, LeafMatcher, ObjectPattern } from './pattern-ast.js';
import { ProjectedObject } from './projected-object.js';
import type { ProjectionNode } from './projection.js';

/** A compiled pattern over the record's metadata and its (projected) data; `data` is unused when not needed. */
export type RecordTest = (record: FilterableKinesisRecord, data: unknown) => boolean;

/**
 * The keys a Kinesis pattern can name at its top level: the fields of the event's `kinesis` object, as in
 * AWS's example `{"partitionKey": ["1"], "data": {...}}`, as expressions over the record `r`. Any other
 * top-level key is simply absent.
 */
const METADATA = new Map<string, string>([
  ['partitionKey', 'r.partitionKey'],
  ['sequenceNumber', 'r.sequenceNumber'],
  ['approximateArrivalTimestamp', 'r.approximateArrivalTimestamp'],
  ['kinesisSchemaVersion', "'1.0'"],
]);

/** True when the pattern reads `data` at its top level (directly or in a `$or` branch). */
export function usesData(pattern: ObjectPattern): boolean {
  return pattern.fields.some((f) => f.key === 'data') || (pattern.anyOf ?? []).some(usesData);
}

/** Compiles a validated top-level pattern; `dataRoot` is the projection the data will arrive in. */
export function compileRecordPattern(pattern: ObjectPattern, dataRoot: ProjectionNode): RecordTest {
  return new PatternCompiler(dataRoot).compile(pattern);
}

/**
 * A top-level pattern split in two: `metadata`, the conditions on metadata keys that must hold whatever the
 * data says (undefined when there are none), and `rest`, the remaining conditions, which need the data.
 * Checking `metadata` first lets a record skip parsing when no data filter can match it anyway.
 */
export interface SplitRecordTest {
  metadata: ((record: FilterableKinesisRecord) => boolean) | undefined;
  rest: RecordTest;
}

export function compileSplitRecordPattern(pattern: ObjectPattern, dataRoot: ProjectionNode): SplitRecordTest {
  const metadataFields = pattern.fields.filter((f) => f.key !== 'data');
  const restPattern: ObjectPattern = {
    fields: pattern.fields.filter((f) => f.key === 'data'),
    anyOf: pattern.anyOf,
  };
  const metadata =
    metadataFields.length === 0
      ? undefined
      : compileRecordPattern({ fields: metadataFields, anyOf: undefined }, dataRoot);
  return {
    metadata: metadata && ((r) => metadata(r, undefined)),
    rest:
      restPattern.fields.length === 0 && !restPattern.anyOf
        ? () => true
        : compileRecordPattern(restPattern, dataRoot),
  };
}

/**
 * Turns a pattern into the source of small JavaScript functions, one per leaf and per object level, and
 * compiles them with `new Function`: V8 then inlines them into one another, where a tree of generic closures
 * costs an indirect call per node and record. Pattern values reach the code only through the constant array
 * `c`; the generated text holds nothing but our own identifiers, operators and slot numbers.
 *
 * Semantics (EventBridge / aws/event-ruler):
 * - Leaf values of a path are its primitive, or the primitives of its array (nested arrays flattened); an
 *   object has none. `exists: false` holds when there are none; any other matcher when some value satisfies it.
 * - An object pattern over an array applies to each object element, all fields within one element (array
 *   consistency); where there is no object it matches only if it asks for absent fields alone.
 */
class PatternCompiler implements ConstantPool {
  private readonly constants: unknown[] = [];
  private readonly functions: string[] = [];
  /** Statements run once, after all functions exist (constants such as "matches when absent"). */
  private readonly setup: string[] = [];
  private count = 0;

  constructor(private readonly dataRoot: ProjectionNode) {}

  constant(value: unknown): string {
    this.constants.push(value);
    return `c[${this.constants.length - 1}]`;
  }

  compile(pattern: ObjectPattern): RecordTest {
    const body = this.recordExpression(pattern);
    const source = [
      "'use strict';",
      'const PO = h.PO, isArray = Array.isArray;',
      ...this.functions,
      ...this.setup,
      `return function recordTest(r, d) { return ${body}; };`,
    ].join('\n');
    const factory = new Function('c', 'h', source) as (c: unknown[], h: unknown) => RecordTest;
    return factory(this.constants, { ...leafHelpers, isComparable, PO: ProjectedObject });
  }

  private name(prefix: string): string {
    return `${prefix}${this.count++}`;
  }

  /** The top level: metadata keys of the record `r`, and `data`, the projected JSON `d`. */
  private recordExpression(pattern: ObjectPattern): string {
    const tests = pattern.fields.map((field) => {
      if (field.key === 'data') {
        // Validation guarantees `data` holds an object pattern (a leaf on data is rejected, as AWS does).
        if (field.kind !== 'object') throw new Error('data must hold an object pattern');
        return `${this.nested(field.pattern, this.dataRoot)}(d)`;
      }
      const value = METADATA.get(field.key) ?? 'undefined'; // a Map: "toString" must not reach a prototype
      // An object pattern under a metadata key (all scalars) or an unknown key sees no object at all.
      return field.kind === 'leaf'
        ? `${this.leaf(field.matchers)}(${value})`
        : `${this.nested(field.pattern, undefined)}(undefined)`;
    });
    if (pattern.anyOf) tests.push(pattern.anyOf.map((b) => `(${this.recordExpression(b)})`).join(' || '));
    return tests.length === 0 ? 'true' : tests.map((t) => `(${t})`).join(' && ');
  }

  /** The expression testing the object `o` (a ProjectedObject or undefined) against an object level. */
  private objectExpression(pattern: ObjectPattern, node: ProjectionNode | undefined): string {
    const tests = pattern.fields.map((field) => this.fieldExpression(field, node));
    if (pattern.anyOf)
      tests.push(pattern.anyOf.map((b) => `(${this.objectExpression(b, node)})`).join(' || '));
    return tests.length === 0 ? 'true' : tests.map((t) => `(${t})`).join(' && ');
  }

  private fieldExpression(field: FieldPattern, node: ProjectionNode | undefined): string {
    // `node` undefined: this level is outside the data, every field is absent.
    let value = 'undefined';
    let child: ProjectionNode | undefined;
    if (node) {
      const slot = node.slotOf(field.key);
      if (slot < 0) throw new Error(`projection lacks ${field.key}`);
      value = `(o === undefined ? undefined : o.slots[${slot}])`;
      child = node.children[slot] as ProjectionNode;
    }
    return field.kind === 'leaf'
      ? `${this.leaf(field.matchers)}(${value})`
      : `${this.nested(field.pattern, child)}(${value})`;
  }

  /** Generates the function testing a value (any JSON) against an object pattern; returns its name. */
  private nested(pattern: ObjectPattern, node: ProjectionNode | undefined): string {
    const object = this.name('object');
    const array = this.name('objects');
    const absent = this.name('absent');
    const name = this.name('nested');
    this.functions.push(
      `function ${object}(o) { return ${this.objectExpression(pattern, node)}; }`,
      // 0: no object element, 1: none matched, 2: one matched
      `function ${array}(a) { let result = 0; for (let i = 0; i < a.length; i++) { const v = a[i]; ` +
        `if (v instanceof PO) { if (${object}(v)) return 2; result = 1; } ` +
        `else if (isArray(v)) { const r = ${array}(v); if (r === 2) return 2; if (r === 1) result = 1; } } ` +
        `return result; }`,
      `let ${absent} = false;`,
      `function ${name}(v) { if (v instanceof PO) return ${object}(v); ` +
        `if (isArray(v)) { const r = ${array}(v); return r === 2 || (r === 0 && ${absent}); } ` +
        `return ${absent}; }`,
    );
    // Nested levels are generated first, so their own `absent` is set before this one is computed.
    this.setup.push(`${absent} = ${object}(undefined);`);
    return name;
  }

  /** Generates the function testing the value at a leaf path (matchers ORed); returns its name. */
  private leaf(matchers: LeafMatcher[]): string {
    const absentOk = matchers.some((m) => m.kind === 'exists' && !m.value);
    const values = matchers.filter((m) => !(m.kind === 'exists' && !m.value));
    const test = this.name('value');
    const array = this.name('values');
    const name = this.name('leaf');
    this.functions.push(
      `function ${test}(v) { return ${valueTestSource(values, this)}; }`,
      // 0: no leaf value, 1: none matched, 2: one matched
      `function ${array}(a) { let result = 0; for (let i = 0; i < a.length; i++) { const v = a[i]; ` +
        `if (isArray(v)) { const r = ${array}(v); if (r === 2) return 2; if (r === 1) result = 1; } ` +
        `else if (!(v instanceof PO)) { if (${test}(v)) return 2; result = 1; } } return result; }`,
      `function ${name}(v) { if (v === undefined || v instanceof PO) return ${absentOk}; ` +
        `if (isArray(v)) { const r = ${array}(v); return r === 2 || (r === 0 && ${absentOk}); } ` +
        `return ${test}(v); }`,
    );
    return name;
  }
}
