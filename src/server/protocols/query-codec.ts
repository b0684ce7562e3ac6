import { Serialization } from '../errors.js';
import {
  entriesKey,
  itemsKey,
  memberKey,
  type ListShape,
  type MapShape,
  type Shape,
  type StructureShape,
} from '../shapes.js';
import { el, type QueryParams, type XmlContent } from './query.js';

/**
 * The query protocol's codec, by shape, for every query service (SQS, SNS, CloudWatch): flattened form
 * parameters in (`Dimensions.member.1.Name=...`), XML out. Naming follows AWS's models as botocore reads them:
 * structure members by name (or `name`), lists as `Name.member.N` (renamed by `memberName`; flattened: `Name.N`,
 * or `<memberName>.N`), maps as `Name.entry.N.key` / `.value` (flattened: `Name.N.key`; `keyName`/`valueName`).
 * An empty list is sent as a bare `Name=`.
 */

export interface DecodeOptions {
  /**
   * `typed`: numbers, booleans and timestamps are read by shape, and text that is none of them is a
   * SerializationException ("Unable to parse X as an integer: v"), as CloudWatch answers. `text`: scalars stay
   * the parameters' text, for a service whose validator reads numbers from text and words a bad one itself
   * (SQS: InvalidParameterValue, with the member's reason).
   */
  scalars: 'typed' | 'text';
}

/** The parameters as the structured input `shape` describes (members not given are left out). */
export function decodeQuery(
  shape: StructureShape,
  params: QueryParams,
  opts: DecodeOptions,
): Record<string, unknown> {
  return decodeStructure(shape, params, '', opts);
}

function decodeStructure(
  shape: StructureShape,
  p: QueryParams,
  key: string,
  opts: DecodeOptions,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, member] of Object.entries(shape.members)) {
    const v = decodeMember(member, p, memberKey(key, name, member), opts);
    if (v !== undefined) out[name] = v;
  }
  return out;
}

function decodeMember(shape: Shape, p: QueryParams, key: string, opts: DecodeOptions): unknown {
  switch (shape.type) {
    case 'structure':
      return p.present(key) ? decodeStructure(shape, p, key, opts) : undefined;
    case 'list':
      return decodeList(shape, p, key, opts);
    case 'map':
      return decodeMap(shape, p, key, opts);
    default: {
      const v = p.get(key);
      return v === undefined ? undefined : decodeScalar(shape, v, key, opts);
    }
  }
}

function decodeList(
  shape: ListShape,
  p: QueryParams,
  key: string,
  opts: DecodeOptions,
): unknown[] | undefined {
  const items = itemsKey(key, shape);
  const indexes = p.indexes(items);
  if (indexes.length === 0) return p.present(key) || p.present(items) ? [] : undefined;
  const out: unknown[] = [];
  for (const i of indexes) {
    const itemKey = `${items}.${i}`;
    // An item is there when any parameter is under its index: a structure item then always is one.
    const v =
      shape.member.type === 'structure'
        ? decodeStructure(shape.member, p, itemKey, opts)
        : decodeMember(shape.member, p, itemKey, opts);
    if (v !== undefined) out.push(v);
  }
  return out;
}

function decodeMap(
  shape: MapShape,
  p: QueryParams,
  key: string,
  opts: DecodeOptions,
): Record<string, unknown> | undefined {
  const entries = entriesKey(key, shape);
  const indexes = p.indexes(entries);
  if (indexes.length === 0) return p.present(key) ? {} : undefined;
  const out: Record<string, unknown> = {};
  for (const i of indexes) {
    const entry = `${entries}.${i}`;
    const k = p.get(`${entry}.${shape.keyName ?? 'key'}`);
    // An entry without a key names nothing; one without a value has the empty value.
    if (k === undefined) continue;
    const valueKey = `${entry}.${shape.valueName ?? 'value'}`;
    out[k] =
      shape.value.type === 'structure'
        ? decodeStructure(shape.value, p, valueKey, opts)
        : decodeScalar(shape.value, p.get(valueKey) ?? '', valueKey, opts);
  }
  return out;
}

function decodeScalar(shape: Shape, v: string, key: string, opts: DecodeOptions): unknown {
  if (opts.scalars === 'text') return v;
  switch (shape.type) {
    case 'integer':
      if (!/^-?\d+$/.test(v)) throw Serialization(`Unable to parse ${key} as an integer: ${v}`);
      return Number(v);
    case 'double': {
      const n = Number(v);
      if (v.trim() === '' || Number.isNaN(n)) throw Serialization(`Unable to parse ${key} as a number: ${v}`);
      return n;
    }
    case 'boolean':
      if (v !== 'true' && v !== 'false') throw Serialization(`Unable to parse ${key} as a boolean: ${v}`);
      return v === 'true';
    case 'timestamp': {
      const ms = /^-?\d+(\.\d+)?$/.test(v) ? Number(v) * 1000 : Date.parse(v);
      if (Number.isNaN(ms)) throw Serialization(`Unable to parse ${key} as a timestamp: ${v}`);
      return new Date(ms);
    }
    default:
      return v;
  }
}

// ---------------------------------------------------------------------------------------------
// XML

/** An output as the children of `<ActionResult>`, by shape: members in the shape's order, absent ones left out. */
export function encodeXml(shape: StructureShape, value: Readonly<Record<string, unknown>>): XmlContent {
  return encodeMembers(shape, value);
}

function encodeMembers(shape: StructureShape, obj: Readonly<Record<string, unknown>>): XmlContent[] {
  const out: XmlContent[] = [];
  for (const [member, s] of Object.entries(shape.members)) {
    const v = obj[member];
    if (v === undefined || v === null) continue;
    const name = s.name ?? member;
    if (s.type === 'list' && s.flattened) {
      const tag = s.memberName ?? name;
      for (const item of v as unknown[]) out.push(el(tag, encodeValue(s.member, item)));
    } else if (s.type === 'map' && s.flattened) {
      for (const [k, x] of Object.entries(v as Record<string, unknown>))
        out.push(el(name, encodeEntry(s, k, x)));
    } else out.push(el(name, encodeValue(s, v)));
  }
  return out;
}

function encodeEntry(shape: MapShape, key: string, value: unknown): XmlContent {
  return [el(shape.keyName ?? 'key', key), el(shape.valueName ?? 'value', encodeValue(shape.value, value))];
}

function encodeValue(shape: Shape, value: unknown): XmlContent {
  if (value === undefined || value === null) return undefined;
  switch (shape.type) {
    case 'structure':
      return encodeMembers(shape, value as Record<string, unknown>);
    case 'list':
      return (value as unknown[]).map((item) =>
        el(shape.memberName ?? 'member', encodeValue(shape.member, item)),
      );
    case 'map':
      return Object.entries(value as Record<string, unknown>).map(([k, v]) =>
        el('entry', encodeEntry(shape, k, v)),
      );
    case 'timestamp':
      // Whole-second ISO 8601 UTC, as CloudWatch writes them.
      return (value as Date).toISOString().replace(/\.\d{3}Z$/, 'Z');
    case 'double': {
      const n = value as number;
      return Number.isInteger(n) ? n.toFixed(1) : String(n);
    }
    default:
      return String(value);
  }
}
