/**
 * Shapes: each operation declares its input (and, for the query protocol, its output) once, as data, in the
 * terms of AWS's service models: member names, types, lengths, ranges, patterns, enums, `required`, and the
 * names the query protocol and XML give them. The validator (`validate.ts`) checks inputs against them, in
 * each service family's words (`validation-messages.ts`); the query codec (`protocols/query-codec.ts`) reads
 * flattened query parameters into them and writes XML from them. JSON and CBOR inputs need no codec: they
 * arrive structured.
 *
 * A member's shape carries the member's traits too (`required`, `name`): every member gets its own shape
 * object, so a trait never leaks to another use of the same type (the builders copy).
 */

interface MemberTraits {
  /** The member must be given (what counts as given is the service family's: see `Dialect.missing`). */
  readonly required?: true;
  /** The member's name in the query protocol and XML when it is not the member's own (AWS's locationName). */
  readonly name?: string;
  /**
   * The validator passes the value through as given: a domain module checks it, in the service's own words
   * (SQS's message attributes). The shape still tells the query codec how to read and write it.
   */
  readonly unchecked?: true;
  /**
   * Where a REST-JSON input member comes from when not from the JSON body: a `{Name}` path segment, a query
   * string parameter, a header (named by `name` when not the member's name), or the whole body as bytes.
   */
  readonly location?: 'uri' | 'querystring' | 'header' | 'payload';
  /** The value is secret (AWS's `sensitive`): failures do not quote it. */
  readonly sensitive?: true;
  /** The type a SerializationException names for a value of another type, where it is not the shape's. */
  readonly typeName?: string;
  /**
   * A further check of a well-typed value, for a rule the shape cannot say, in the service's words: the
   * constraint it fails and the value to quote, reported with the shape's own failures; undefined when it passes.
   */
  readonly check?: (value: never) => { value: unknown; constraint: string } | undefined;
}

export interface StringShape extends MemberTraits {
  readonly type: 'string';
  /** Length in Unicode code points, as AWS counts it. */
  readonly min?: number;
  readonly max?: number;
  /** Matched against the whole value. */
  readonly pattern?: RegExp;
  readonly enum?: readonly string[];
}

export interface IntegerShape extends MemberTraits {
  readonly type: 'integer';
  readonly min?: number;
  readonly max?: number;
  /** How the service words the valid values in its error, when it has its own words for them (SQS). */
  readonly reason?: string;
}

export interface DoubleShape extends MemberTraits {
  readonly type: 'double';
}

export interface BooleanShape extends MemberTraits {
  readonly type: 'boolean';
}

/** A point in time; validated inputs carry it as epoch milliseconds, outputs as a Date. */
export interface TimestampShape extends MemberTraits {
  readonly type: 'timestamp';
}

/** Bytes: base64 text in JSON and the query protocol, a byte string in CBOR; validated inputs are Buffers. */
export interface BlobShape extends MemberTraits {
  readonly type: 'blob';
  readonly max?: number;
}

export interface ListShape<M extends Shape = Shape> extends MemberTraits {
  readonly type: 'list';
  readonly member: M;
  /** Number of items. */
  readonly min?: number;
  readonly max?: number;
  /** Items are repeated in place (`Name.1`, `<Name>` elements) instead of wrapped (`Name.member.1`). */
  readonly flattened?: true;
  /** The items' name: `Name.<memberName>.1` wrapped, `<memberName>.1` flattened (AWS's member locationName). */
  readonly memberName?: string;
  /**
   * Items are structures the action validates one by one (`validate` on `member`), so that one bad batch entry
   * fails alone; the validator only checks that they are structures.
   */
  readonly itemsByAction?: true;
  /**
   * A cheaper reading of the common case of a hot list (PutRecords' up to 500 records): the items exactly as
   * validating each one would give them, or undefined to validate them one by one (whose answers then say
   * what is wrong). It must accept nothing the item shape refuses.
   */
  readonly fastPath?: (items: readonly unknown[]) => unknown[] | undefined;
}

export interface MapShape<V extends Shape = Shape> extends MemberTraits {
  readonly type: 'map';
  /** Constraints on the keys (always strings). */
  readonly key?: StringShape;
  readonly value: V;
  /** Number of entries. */
  readonly min?: number;
  readonly max?: number;
  /** An entry whose value is null is no entry (Kinesis tags), rather than a value of the wrong type. */
  readonly dropNullValues?: true;
  /** Entries are repeated in place (`Name.1.key`) instead of wrapped (`Name.entry.1.key`). */
  readonly flattened?: true;
  /** Names of an entry's key and value: `key` and `value` unless the model renames them. */
  readonly keyName?: string;
  readonly valueName?: string;
}

export type Members = Readonly<Record<string, Shape>>;

export interface StructureShape<M extends Members = Members> extends MemberTraits {
  readonly type: 'structure';
  /** In the model's order: the order of XML elements and of validation. */
  readonly members: M;
  /** How AWS prints one of these inside a rejected list in an error message (its Java toString). */
  readonly printed?: string;
}

export type Shape =
  | StringShape
  | IntegerShape
  | DoubleShape
  | BooleanShape
  | TimestampShape
  | BlobShape
  | ListShape
  | MapShape
  | StructureShape;

/** The validated value a shape describes. */
export type Infer<S extends Shape> = Shape extends S
  ? unknown // a shape not known in detail (this also ends the recursion for generic code)
  : S extends { unchecked: true }
    ? unknown
    : S extends StructureShape<infer M>
      ? Members extends M
        ? Record<string, unknown>
        : InferMembers<M>
      : S extends ListShape<infer M>
        ? S extends { itemsByAction: true }
          ? Array<Record<string, unknown>>
          : Array<Infer<M>>
        : S extends MapShape<infer V>
          ? Record<string, Infer<V>>
          : ScalarTypes[S['type'] & keyof ScalarTypes];

interface ScalarTypes {
  string: string;
  integer: number;
  double: number;
  timestamp: number;
  boolean: boolean;
  blob: Buffer;
}

type RequiredKeys<M extends Members> = {
  [K in keyof M]: M[K] extends { required: true } ? K : never;
}[keyof M];
type InferMembers<M extends Members> = { [K in RequiredKeys<M>]: Infer<M[K]> } & {
  [K in Exclude<keyof M, RequiredKeys<M>>]?: Infer<M[K]>;
};

type Traits<S extends Shape> = Omit<S, 'type'>;

export const string = (traits: Traits<StringShape> = {}): StringShape => ({ type: 'string', ...traits });
export const integer = (traits: Traits<IntegerShape> = {}): IntegerShape => ({ type: 'integer', ...traits });
export const double = (traits: Traits<DoubleShape> = {}): DoubleShape => ({ type: 'double', ...traits });
export const boolean = (traits: Traits<BooleanShape> = {}): BooleanShape => ({ type: 'boolean', ...traits });
export const timestamp = (traits: Traits<TimestampShape> = {}): TimestampShape => ({
  type: 'timestamp',
  ...traits,
});
export const blob = (traits: Traits<BlobShape> = {}): BlobShape => ({ type: 'blob', ...traits });

export function list<M extends Shape>(
  member: M,
  traits: Omit<Traits<ListShape<M>>, 'member' | 'itemsByAction'> = {},
): ListShape<M> {
  return { type: 'list', member, ...traits };
}

/** A list of batch entries: structures the action validates one by one (see `itemsByAction`). */
export function entries<M extends StructureShape>(
  member: M,
  traits: Omit<Traits<ListShape<M>>, 'member' | 'itemsByAction'> = {},
): ListShape<M> & { readonly itemsByAction: true } {
  return { type: 'list', member, ...traits, itemsByAction: true };
}

export function map<V extends Shape>(value: V, traits: Omit<Traits<MapShape<V>>, 'value'> = {}): MapShape<V> {
  return { type: 'map', value, ...traits };
}

export function structure<M extends Members>(
  members: M,
  traits: Omit<Traits<StructureShape<M>>, 'members'> = {},
): StructureShape<M> {
  return { type: 'structure', members, ...traits };
}

/** The member must be given. */
export function required<S extends Shape>(shape: S): S & { readonly required: true } {
  return { ...shape, required: true };
}

/** The member is checked by a domain module, not the validator (see `unchecked`). */
export function unchecked<S extends Shape>(shape: S): S & { readonly unchecked: true } {
  return { ...shape, unchecked: true };
}

// ---------------------------------------------------------------------------------------------
// Query-protocol names, shared by the codec (parameters and XML) and the validator (the paths errors name).

/** The key of member `member` (shape `shape`) of the structure at `key` (`''` at the top). */
export function memberKey(key: string, member: string, shape: Shape): string {
  const name = shape.name ?? member;
  return key === '' ? name : `${key}.${name}`;
}

/** Where the items of the list at `key` are numbered: `key.member`, or flattened `key` (renamed by memberName). */
export function itemsKey(key: string, shape: ListShape): string {
  if (!shape.flattened) return `${key}.${shape.memberName ?? 'member'}`;
  if (shape.memberName === undefined) return key;
  const dot = key.lastIndexOf('.');
  return dot === -1 ? shape.memberName : `${key.slice(0, dot + 1)}${shape.memberName}`;
}

/** Where the entries of the map at `key` are numbered: `key.entry`, or flattened `key`. */
export function entriesKey(key: string, shape: MapShape): string {
  return shape.flattened ? key : `${key}.entry`;
}
