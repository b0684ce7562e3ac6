import { compileLeafTest } from './leaf-test.js';
import type { FilterableKinesisRecord } from './kinesis-record.js';
import type { FieldPattern, ObjectPattern } from './pattern-ast.js';
import { ProjectedObject, type ProjectionNode } from './projection.js';

/** A compiled pattern over the record's metadata and its (projected) data; `data` is unused when not needed. */
export type RecordTest = (record: FilterableKinesisRecord, data: unknown) => boolean;
/** A compiled object level of `data`; undefined stands for "no object here". */
type ObjectTest = (obj: ProjectedObject | undefined) => boolean;

/**
 * The keys a Kinesis pattern can name at its top level: the fields of the event's `kinesis` object, as in
 * AWS's example `{"partitionKey": ["1"], "data": {...}}`. Any other top-level key is simply absent.
 */
const METADATA = new Map<string, (r: FilterableKinesisRecord) => unknown>([
  ['partitionKey', (r) => r.partitionKey],
  ['sequenceNumber', (r) => r.sequenceNumber],
  ['approximateArrivalTimestamp', (r) => r.approximateArrivalTimestamp],
  ['kinesisSchemaVersion', () => '1.0'],
]);

/** True when the pattern reads `data` at its top level (directly or in a `$or` branch). */
export function usesData(pattern: ObjectPattern): boolean {
  return pattern.fields.some((f) => f.key === 'data') || (pattern.anyOf ?? []).some(usesData);
}

/** Compiles a validated top-level pattern; `dataRoot` is the projection the data will arrive in. */
export function compileRecordPattern(pattern: ObjectPattern, dataRoot: ProjectionNode): RecordTest {
  const tests: RecordTest[] = pattern.fields.map((field) => compileRootField(field, dataRoot));
  if (pattern.anyOf) {
    const branches = pattern.anyOf.map((branch) => compileRecordPattern(branch, dataRoot));
    tests.push(anyOfRecord(branches));
  }
  return allOfRecord(tests);
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

function compileRootField(field: FieldPattern, dataRoot: ProjectionNode): RecordTest {
  if (field.key === 'data') {
    // Validation guarantees `data` holds an object pattern (a leaf on data is rejected, as AWS does).
    if (field.kind !== 'object') throw new Error('data must hold an object pattern');
    const test = compileNested(field.pattern, dataRoot);
    return (_r, data) => test(data);
  }
  const get = METADATA.get(field.key); // a Map: keys like "toString" must not reach Object.prototype
  if (field.kind === 'leaf') {
    const test = compileLeafTest(field.matchers);
    if (!get) {
      const constant = test(undefined);
      return () => constant;
    }
    return (r) => test(get(r));
  }
  // An object pattern under a metadata key (all scalars) or an unknown key sees no object at all.
  const constant = compileObject(field.pattern, undefined)(undefined);
  return () => constant;
}

/**
 * Tests the value at a path against an object pattern. Arrays apply the pattern to each object element
 * (all fields must match within one element — EventBridge's array consistency); where there is no object
 * the pattern still matches if it only asks for absent fields.
 */
function compileNested(pattern: ObjectPattern, node: ProjectionNode): (value: unknown) => boolean {
  const test = compileObject(pattern, node);
  const whenAbsent = test(undefined);
  return (value) => {
    if (value instanceof ProjectedObject) return test(value);
    if (Array.isArray(value)) {
      const r = arrayObjects(value, test);
      return r === MATCHED || (r === NO_OBJECTS && whenAbsent);
    }
    return whenAbsent;
  };
}

const NO_OBJECTS = 0;
const UNMATCHED = 1;
const MATCHED = 2;

function arrayObjects(values: unknown[], test: ObjectTest): number {
  let result = NO_OBJECTS;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v instanceof ProjectedObject) {
      if (test(v)) return MATCHED;
      result = UNMATCHED;
    } else if (Array.isArray(v)) {
      const r = arrayObjects(v, test);
      if (r === MATCHED) return MATCHED;
      if (r === UNMATCHED) result = UNMATCHED;
    }
  }
  return result;
}

/** `node` undefined: this level is outside the data, every field is absent. */
function compileObject(pattern: ObjectPattern, node: ProjectionNode | undefined): ObjectTest {
  const tests: ObjectTest[] = pattern.fields.map((field) => compileField(field, node));
  if (pattern.anyOf) {
    const branches = pattern.anyOf.map((branch) => compileObject(branch, node));
    tests.push(anyOfObject(branches));
  }
  return allOfObject(tests);
}

function compileField(field: FieldPattern, node: ProjectionNode | undefined): ObjectTest {
  const slot = node ? node.slotOf(field.key) : -1;
  if (node && slot < 0) throw new Error(`projection lacks ${field.key}`);
  if (field.kind === 'leaf') {
    const test = compileLeafTest(field.matchers);
    if (!node) return () => test(undefined);
    return (o) => test(o === undefined ? undefined : o.slots[slot]);
  }
  if (!node) {
    const constant = compileObject(field.pattern, undefined)(undefined);
    return () => constant;
  }
  const test = compileNested(field.pattern, node.children[slot] as ProjectionNode);
  return (o) => test(o === undefined ? undefined : o.slots[slot]);
}

// Two copies instead of one generic: rest-parameter spreading would allocate on every record.
function allOfRecord(tests: RecordTest[]): RecordTest {
  if (tests.length === 1) return tests[0] as RecordTest;
  if (tests.length === 2) {
    const [a, c] = tests as [RecordTest, RecordTest];
    return (r, d) => a(r, d) && c(r, d);
  }
  return (r, d) => {
    for (let i = 0; i < tests.length; i++) if (!(tests[i] as RecordTest)(r, d)) return false;
    return true;
  };
}

function allOfObject(tests: ObjectTest[]): ObjectTest {
  if (tests.length === 1) return tests[0] as ObjectTest;
  if (tests.length === 2) {
    const [a, c] = tests as [ObjectTest, ObjectTest];
    return (o) => a(o) && c(o);
  }
  return (o) => {
    for (let i = 0; i < tests.length; i++) if (!(tests[i] as ObjectTest)(o)) return false;
    return true;
  };
}

function anyOfRecord(tests: RecordTest[]): RecordTest {
  return (r, d) => {
    for (let i = 0; i < tests.length; i++) if ((tests[i] as RecordTest)(r, d)) return true;
    return false;
  };
}

function anyOfObject(tests: ObjectTest[]): ObjectTest {
  return (o) => {
    for (let i = 0; i < tests.length; i++) if ((tests[i] as ObjectTest)(o)) return true;
    return false;
  };
}
