import { readFileSync } from 'node:fs';

/**
 * The WebAssembly JSON validator and projector (json-tape.as.ts, built into json-tape.wasm by
 * `npm run build:wasm`). One instance per process: scanning is synchronous and never re-entered.
 */

/** Tape entry kinds, as json-tape.as.ts writes them (low four bits of an entry's first word). */
export const KIND_OBJECT = 1;
export const KIND_ARRAY = 2;
export const KIND_STRING = 3;
export const KIND_ESCAPED_STRING = 4;
export const KIND_NUMBER = 5;
export const KIND_TRUE = 6;
export const KIND_FALSE = 7;
export const KIND_NULL = 8;
// 9 is a key of a projected object, followed by its value: [9 | slot << 4]; the generated walker reads the slot.
/** A short string seen before: second word = id | byte length << 16. */
export const KIND_INTERNED_STRING = 10;
/** A short string given a new id: the same, and the id's string is to be decoded from the bytes now. */
export const KIND_NEW_STRING = 11;
/** Interning ids run from 1 to this (MAX_INTERNED in json-tape.as.ts), then start over. */
export const MAX_INTERNED_ID = 2048;

/** `scanToTape` results besides an entry count. */
export const TAPE_NOT_JSON = -1;
/** Valid JSON, but a projected object has a key with an escape sequence: parse it in full instead. */
export const TAPE_NEEDS_PARSE = -2;

/** Documents must be smaller than this: tape entries keep byte offsets in 28 bits. */
const MAX_DOCUMENT_BYTES = 2 ** 27;

/** A projection tree flattened into the layout json-tape.as.ts reads (see its header). */
export interface EncodedProjection {
  /** Node records as little-endian i32 words, then the key bytes they point into. */
  readonly bytes: Uint8Array;
}

/** What `encodeProjection` needs of a projection node. */
export interface ProjectionShape {
  readonly keyBytes: readonly Uint8Array[];
  readonly children: readonly ProjectionShape[];
}

/** Keys are bucketed by byte length up to this (longer keys share the last bucket), as in json-tape.as.ts. */
const MAX_BUCKET = 32;
const NODE_HEADER_WORDS = 1 + MAX_BUCKET + 1;
const KEY_WORDS = 4;

export function encodeProjection(root: ProjectionShape): EncodedProjection {
  // Word offsets of every node, breadth-first; the root at word 0.
  const order: ProjectionShape[] = [root];
  const wordOf = new Map<ProjectionShape, number>();
  let words = 0;
  for (let i = 0; i < order.length; i++) {
    const node = order[i] as ProjectionShape;
    wordOf.set(node, words);
    words += NODE_HEADER_WORDS + KEY_WORDS * node.keyBytes.length;
    order.push(...node.children);
  }
  let keyBytes = 0;
  for (const node of order) for (const key of node.keyBytes) keyBytes += key.length;
  const bytes = new Uint8Array(words * 4 + keyBytes);
  const view = new DataView(bytes.buffer);
  const set = (word: number, value: number): void => view.setInt32(word * 4, value, true);
  let keyOffset = words * 4;
  for (const node of order) {
    const base = wordOf.get(node) as number;
    const bucketOf = (slot: number): number =>
      Math.min((node.keyBytes[slot] as Uint8Array).length, MAX_BUCKET);
    const slots = node.keyBytes.map((_, slot) => slot).sort((a, b) => bucketOf(a) - bucketOf(b));
    set(base, slots.length);
    slots.forEach((slot, k) => {
      const key = node.keyBytes[slot] as Uint8Array;
      const bucket = base + 1 + bucketOf(slot);
      const first = slots.findIndex((s) => bucketOf(s) === bucketOf(slot));
      set(bucket, first | (((view.getInt32(bucket * 4, true) >>> 16) + 1) << 16));
      const w = base + NODE_HEADER_WORDS + KEY_WORDS * k;
      set(w, key.length);
      set(w + 1, keyOffset);
      set(w + 2, wordOf.get(node.children[slot] as ProjectionShape) as number);
      set(w + 3, slot);
      bytes.set(key, keyOffset);
      keyOffset += key.length;
    });
  }
  return { bytes };
}

interface JsonTapeExports {
  memory: WebAssembly.Memory;
  reserve(length: number, projectionBytes: number): number;
  projection(): number;
  input(): number;
  tape(): number;
  scan(start: number, length: number): number;
}

// The module starts with memory enough for a 1 MiB record (Kinesis's limit) and a large projection (176 pages:
// `--initialMemory` in `npm run build:wasm`; untouched pages cost no RAM), so it need never grow. Growing detaches
// the old ArrayBuffer, and the first detach anywhere makes V8 check for detachment on every typed array access
// in the process from then on: a byte loop over a Uint8Array ran 1.7 times slower after it.
// Instantiated on first use, not at import: a server whose mappings have no filters never needs it.
let wasm: JsonTapeExports | undefined;

function instance(): JsonTapeExports {
  if (wasm === undefined) {
    const module = new WebAssembly.Module(readFileSync(new URL('./json-tape.wasm', import.meta.url)));
    wasm = new WebAssembly.Instance(module, {}).exports as unknown as JsonTapeExports;
  }
  return wasm;
}

let inputCapacity = -1;
let projectionCapacity = -1;
/** The projection in the module's memory now. */
let loaded: EncodedProjection | undefined;
let memory = new Uint8Array(0);
let inputPtr = 0;
/** The tape as i32 words; entry k is words[tapeWord + 2k] and words[tapeWord + 2k + 1]. */
export let words = new Int32Array(0);
export let tapeWord = 0;

/**
 * Copies `doc` into the module and validates it as one JSON document from byte `start` (grammar only, not
 * UTF-8), writing the tape of the values `projection` names. Returns TAPE_NOT_JSON, TAPE_NEEDS_PARSE, or the
 * number of tape entries << 1 | 1 when every byte scanned was ASCII (so `doc` is certainly UTF-8). The tape
 * stays valid until the next call; read it through `words` from `tapeWord`.
 */
export function scanToTape(doc: Uint8Array, start: number, projection: EncodedProjection): number {
  const length = doc.length;
  // Tape entries keep byte offsets in 28 bits. Kinesis records hold at most 1 MiB (PutRecord checks).
  if (length >= MAX_DOCUMENT_BYTES) throw new RangeError(`${length} bytes are too many to scan as JSON`);
  if (length > inputCapacity || projection.bytes.length > projectionCapacity) {
    layOut(Math.max(length, inputCapacity), Math.max(projection.bytes.length, projectionCapacity));
  }
  // Laid out above on the first call (the capacities start at -1), so the module exists from here on.
  const module = wasm as JsonTapeExports;
  if (projection !== loaded) {
    memory.set(projection.bytes, module.projection());
    loaded = projection;
  }
  memory.set(doc, inputPtr);
  return module.scan(start, length);
}

/** The module's memory now (for tests: growing it would replace it, detaching this one). */
export function jsonTapeMemory(): ArrayBuffer {
  return instance().memory.buffer;
}

function layOut(length: number, projectionBytes: number): void {
  const wasm = instance();
  if (wasm.reserve(length, projectionBytes) === 0) {
    throw new RangeError(`cannot reserve ${length} bytes for JSON validation`);
  }
  inputCapacity = length;
  projectionCapacity = projectionBytes;
  loaded = undefined; // the projection area may have moved
  const buffer = wasm.memory.buffer;
  memory = new Uint8Array(buffer);
  words = new Int32Array(buffer);
  inputPtr = wasm.input();
  tapeWord = wasm.tape() >>> 2;
}
