// JSON validator and projection for event filtering, in AssemblyScript (compiled to json-tape.wasm by
// `npm run build:wasm`; test/mappings/filter-json-tape-wasm.test.ts checks the committed binary matches this source).
//
// Why WebAssembly: a filter has to validate the whole record (data that is not JSON matches no data filter),
// and on 1 KB records that validation was most of the cost in JavaScript. Here strings are checked 16 bytes at
// a time with SIMD, and keys are matched against the projection (the fields the patterns name) as they are
// met. Only projected values reach the tape, so the JavaScript side (../json-scanner.ts) builds them without
// looking at anything else.
//
// Why one file of ~500 lines: it is one WebAssembly module; every function works on the linear-memory layout
// described below, and the compiler sees the whole scanner at once when it inlines.
//
// Linear memory, from the first 16-aligned byte past static data:
//   interned    INTERN_SLOTS entries of four i32 [id (0: free), hash, byte length, offset in the pool], then
//               INTERN_POOL bytes holding the strings (see `intern`)
//   projection  i32 words, then key bytes. Node at word w: [key count; MAX_BUCKET + 1 buckets, the keys of
//               each byte length (the last: that length or more) as first key | count << 16; then per key,
//               ordered by length: byte length, offset of its bytes (from the projection start), word of its
//               child node, slot]. The root node is at word 0.
//   input       capacity bytes, then 16 bytes of padding (SIMD loads near the end stay in bounds)
//   stack       MAX_DEPTH i32: per open container, its tape entry (-1 when not projected) << 1 | isObject
//   nodes       MAX_DEPTH i32: per open container, its projection node word (-1 when not projected)
//   tape        two i32 per entry: [kind | start << 4, end or next]
//     strings: start = first byte after the opening quote, second word = index of the closing quote
//     short strings without escapes, interned: second word = id | byte length << 16 (KIND_NEW_STRING the
//       first time the id is given out, KIND_INTERNED_STRING after)
//     numbers: start = first byte, second word = index after the last
//     true, false, null: the kind only
//     objects, arrays: second word = index of the first tape entry after the container
//     keys: [KIND_KEY | slot << 4], then the entries of the value
//   Byte offsets are relative to the input start.

/** Nesting deeper than this is not JSON, as with Jackson's default (AWS's pattern engine); see json-tape.ts. */
const MAX_DEPTH: i32 = 1000;

const KIND_OBJECT: i32 = 1;
const KIND_ARRAY: i32 = 2;
const KIND_STRING: i32 = 3;
const KIND_ESCAPED_STRING: i32 = 4;
const KIND_NUMBER: i32 = 5;
const KIND_TRUE: i32 = 6;
const KIND_FALSE: i32 = 7;
const KIND_NULL: i32 = 8;
const KIND_KEY: i32 = 9;
const KIND_INTERNED_STRING: i32 = 10;
const KIND_NEW_STRING: i32 = 11;

/** `scan`'s results besides an entry count. */
const NOT_JSON: i32 = -1;
/** Valid JSON, but a projected object has a key with an escape sequence: the host parses it in full. */
const NEEDS_PARSE: i32 = -2;

const QUOTE: i32 = 0x22;
const BACKSLASH: i32 = 0x5c;
const COLON: i32 = 0x3a;
const COMMA: i32 = 0x2c;
const OPEN_OBJECT: i32 = 0x7b;
const CLOSE_OBJECT: i32 = 0x7d;
const OPEN_ARRAY: i32 = 0x5b;
const CLOSE_ARRAY: i32 = 0x5d;

let internPtr: usize = 0;
let projectionPtr: usize = 0;
let projectionCapacity: i32 = 0;
let inputPtr: usize = 0;
let inputCapacity: i32 = -1;
let stackPtr: usize = 0;
let nodesPtr: usize = 0;
let tapePtr: usize = 0;

/**
 * Makes room for a document of `length` bytes and a projection of `projectionBytes`, and lays memory out anew:
 * afterwards the host copies the projection to `projection()` and reads the input and tape addresses again.
 * Returns 0 when memory cannot grow, else 1.
 */
export function reserve(length: i32, projectionBytes: i32): i32 {
  if (projectionBytes > projectionCapacity) projectionCapacity = (projectionBytes + 0xfff) & ~0xfff;
  if (length > inputCapacity) inputCapacity = (length + 0xffff) & ~0xffff;
  internPtr = (__heap_base + 15) & ~15;
  projectionPtr = internPtr + <usize>(INTERN_SLOTS * 16 + INTERN_POOL);
  inputPtr = projectionPtr + <usize>projectionCapacity;
  stackPtr = inputPtr + <usize>inputCapacity + 16;
  nodesPtr = stackPtr + <usize>(MAX_DEPTH * 4);
  tapePtr = nodesPtr + <usize>(MAX_DEPTH * 4);
  // Every entry starts at a distinct input byte (a key's entry at its key), so there are at most `length`.
  const needed = tapePtr + (<usize>inputCapacity + 1) * 8;
  const have = <usize>memory.size() << 16;
  if (needed > have && memory.grow(<i32>((needed - have + 0xffff) >>> 16)) < 0) return 0;
  return 1;
}

export function projection(): usize {
  return projectionPtr;
}

export function input(): usize {
  return inputPtr;
}

export function tape(): usize {
  return tapePtr;
}

// Scanning relies on the byte at `end` being zero (`scanDocument` writes 16 zero bytes there): zero is neither
// whitespace nor a digit nor part of any token, so loops stop at `end` without comparing against it, and a
// value cut short by the end fails as it would at any other wrong byte.

// Records are usually compact JSON: most calls stop at once, on one comparison and without entering a loop
// (V8 checks for interrupts on every loop entry in WebAssembly).
@inline function skipWs(p: usize): usize {
  return <i32>load<u8>(p) > 0x20 ? p : skipWsLoop(p);
}

function skipWsLoop(p: usize): usize {
  let c = <i32>load<u8>(p);
  while (c <= 0x20 && (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09)) c = <i32>load<u8>(++p);
  return p;
}

@inline function isDigit(c: i32): bool {
  return <u32>(c - 0x30) < 10;
}

@inline function isHex(c: i32): bool {
  return <u32>(c - 0x30) < 10 || <u32>((c | 0x20) - 0x61) < 6;
}

/** Set by `stringEnd` when the string holds an escape sequence (the host then lets JSON.parse unescape it). */
let escaped: bool = false;
/**
 * The high bits of every 16-byte block `stringEnd` loaded in this scan. Outside strings valid JSON is ASCII, so
 * a valid document with none set is ASCII throughout, hence valid UTF-8: the host can skip its own check.
 */
let highBits: i32 = 0;

/** The index after the closing quote of the string whose opening quote is at `p`, or 0 if it is not valid. */
@inline function stringEnd(p: usize, end: usize): usize {
  p++;
  // Most strings (keys, short values) end within their first 16 bytes, without an escape: no loop for them.
  const v = v128.load(p);
  const bits = i8x16.bitmask(stops(v));
  if (bits !== 0) {
    const q = p + <usize>ctz<i32>(bits);
    if (q < end && <i32>load<u8>(q) === QUOTE) {
      highBits |= i8x16.bitmask(v);
      return q + 1;
    }
  }
  return stringEndLoop(p, end);
}

/** Bytes that end the plain run of a string: quote, backslash, and control characters (not allowed raw). */
@inline function stops(v: v128): v128 {
  return v128.or(
    v128.or(i8x16.eq(v, i8x16.splat(<i8>QUOTE)), i8x16.eq(v, i8x16.splat(<i8>BACKSLASH))),
    i8x16.eq(v128.and(v, i8x16.splat(<i8>0xe0)), i8x16.splat(0)), // below 0x20
  );
}

/** `stringEnd` from `p`, the first byte after the opening quote, for strings that need the loop. */
function stringEndLoop(p: usize, end: usize): usize {
  for (;;) {
    // Sixteen bytes at a time to the first quote, backslash or control character (not allowed raw in JSON).
    // Loads may reach 15 bytes past the end, into the padding; a stop found there is past `end` and fails.
    const v = v128.load(p);
    highBits |= i8x16.bitmask(v);
    const bits = i8x16.bitmask(stops(v));
    if (bits === 0) {
      p += 16;
      if (p >= end) return 0;
      continue;
    }
    p += <usize>ctz<i32>(bits);
    if (p >= end) return 0;
    const c = <i32>load<u8>(p);
    if (c === QUOTE) return p + 1;
    if (c !== BACKSLASH) return 0; // a raw control character
    escaped = true;
    if (p + 1 >= end) return 0;
    const e = <i32>load<u8>(p + 1);
    if (e === 0x75) {
      // \uXXXX
      if (p + 5 >= end) return 0;
      if (
        !isHex(<i32>load<u8>(p + 2)) ||
        !isHex(<i32>load<u8>(p + 3)) ||
        !isHex(<i32>load<u8>(p + 4)) ||
        !isHex(<i32>load<u8>(p + 5))
      )
        return 0;
      p += 6;
    } else if (
      e === QUOTE ||
      e === BACKSLASH ||
      e === 0x2f || // /
      e === 0x62 || // b
      e === 0x66 || // f
      e === 0x6e || // n
      e === 0x72 || // r
      e === 0x74 // t
    ) {
      p += 2;
    } else return 0;
  }
  return 0;
}

/** The index after the run of digits from `p` (possibly none); loops only for a second digit. */
@inline function digitsEnd(p: usize): usize {
  if (isDigit(<i32>load<u8>(p))) {
    do p++;
    while (isDigit(<i32>load<u8>(p)));
  }
  return p;
}

/** The index after the number starting at `p` (JSON's number grammar), or 0 if there is none. */
@inline function numberEnd(p: usize): usize {
  if (load<u8>(p) === 0x2d) p++; // -
  const c = <i32>load<u8>(p);
  if (c === 0x30) p++;
  else if (<u32>(c - 0x31) < 9) p = digitsEnd(p + 1);
  else return 0;
  if (load<u8>(p) === 0x2e) {
    // .
    p++;
    if (!isDigit(<i32>load<u8>(p))) return 0;
    p = digitsEnd(p + 1);
  }
  if ((<i32>load<u8>(p) | 0x20) === 0x65) {
    // e or E
    p++;
    const sign = <i32>load<u8>(p);
    if (sign === 0x2b || sign === 0x2d) p++;
    if (!isDigit(<i32>load<u8>(p))) return 0;
    p = digitsEnd(p + 1);
  }
  return p;
}

/** Whether the `length` bytes at `a` and `b` are equal. */
@inline function bytesEqual(a: usize, b: usize, length: i32): bool {
  let i: i32 = 0;
  for (; i + 8 <= length; i += 8) if (load<u64>(a + <usize>i) !== load<u64>(b + <usize>i)) return false;
  for (; i < length; i++) if (load<u8>(a + <usize>i) !== load<u8>(b + <usize>i)) return false;
  return true;
}

/** Keys are bucketed by byte length up to this (longer keys share the last bucket). */
const MAX_BUCKET: i32 = 32;

/** Slot of the key just matched by `keyEnd` (-1: not projected), and the projection node of its value. */
let keySlot: i32 = -1;
let valueNode: i32 = -1;
/** Set when a projected object has a key with an escape sequence (see NEEDS_PARSE). */
let needsParse: bool = false;

/**
 * Checks the key at `p` (an opening quote) of an object whose projection node is `node` (-1: not projected),
 * its colon and the whitespace after it; sets `keySlot` and `valueNode`. Returns where the value starts, or 0.
 */
@inline function keyEnd(p: usize, end: usize, node: i32): usize {
  if (<i32>load<u8>(p) !== QUOTE) return 0;
  escaped = false;
  const q = stringEnd(p, end);
  if (q === 0) return 0;
  keySlot = -1;
  valueNode = -1;
  if (node >= 0) {
    const proj = projectionPtr;
    const record = proj + (<usize>node << 2);
    const count = load<i32>(record);
    if (escaped) {
      if (count > 0) needsParse = true;
    } else {
      const start = p + 1;
      const length = <i32>(q - 1 - start);
      // Only keys of the same length can match: the node lists its keys by length.
      const bucket = load<i32>(record + 4 + (<usize>(length < MAX_BUCKET ? length : MAX_BUCKET) << 2));
      const last = (bucket & 0xffff) + (bucket >>> 16);
      for (let k = bucket & 0xffff; k < last; k++) {
        const key = record + <usize>(4 + (MAX_BUCKET + 1) * 4) + (<usize>k << 4);
        if (load<i32>(key) === length && bytesEqual(proj + <usize>load<i32>(key, 4), start, length)) {
          keySlot = load<i32>(key, 12);
          valueNode = load<i32>(key, 8);
          break;
        }
      }
    }
  }
  const colon = skipWs(q);
  if (<i32>load<u8>(colon) !== COLON) return 0;
  return skipWs(colon + 1);
}

// Interning. Projected values are mostly short strings from small sets (types, regions, states), and the host
// turns each into a JavaScript string. It keeps one per id, so a string whose bytes were seen before reaches
// it as an id alone: no decoding and no comparing of bytes in JavaScript.
/** Hash table size (a power of two), at most half full. */
const INTERN_SLOTS: i32 = 4096;
const MAX_INTERNED: i32 = INTERN_SLOTS / 2;
const INTERN_POOL: i32 = 65536;
/** Longer strings are rarely repeated values; they are decoded each time. */
const MAX_INTERNED_LENGTH: i32 = 32;
let nextId: i32 = 1;
let poolUsed: i32 = 0;
/** Whether this scan gave out new ids (which the host only learns if it reads the tape). */
let interned: bool = false;

/** Forgets every interned string: ids start again from 1, and each is new to the host once more. */
function resetInterning(): void {
  memory.fill(internPtr, 0, <usize>(INTERN_SLOTS * 16));
  nextId = 1;
  poolUsed = 0;
}

/**
 * The id of the `length` bytes at `start`, with bit 31 set when the id is new (the host must decode the bytes
 * then). The table is cleared when full.
 */
function intern(start: usize, length: i32): i32 {
  let hash: u32 = 0x811c9dc5 ^ <u32>length;
  for (let i: i32 = 0; i < length; i++) hash = (hash ^ <u32>load<u8>(start + <usize>i)) * 0x01000193;
  const pool = internPtr + <usize>(INTERN_SLOTS * 16);
  if (nextId > MAX_INTERNED || poolUsed + length > INTERN_POOL) resetInterning();
  let slot = <i32>hash & (INTERN_SLOTS - 1);
  for (;;) {
    const entry = internPtr + (<usize>slot << 4);
    const id = load<i32>(entry);
    if (id === 0) {
      memory.copy(pool + <usize>poolUsed, start, <usize>length);
      store<i32>(entry, nextId);
      store<i32>(entry, <i32>hash, 4);
      store<i32>(entry, length, 8);
      store<i32>(entry, poolUsed, 12);
      poolUsed += length;
      interned = true;
      return nextId++ | 0x80000000;
    }
    if (
      load<i32>(entry, 4) === <i32>hash &&
      load<i32>(entry, 8) === length &&
      bytesEqual(pool + <usize>load<i32>(entry, 12), start, length)
    )
      return id;
    slot = (slot + 1) & (INTERN_SLOTS - 1);
  }
  return 0;
}

/**
 * Runs `scanDocument`; ids given out by a scan whose tape the host will not read are taken back. Returns
 * NOT_JSON, NEEDS_PARSE, or the number of tape entries << 1 | 1 when the document is all ASCII.
 */
export function scan(start: i32, length: i32): i32 {
  interned = false;
  const result = scanDocument(start, length);
  if (result < 0) {
    if (interned) resetInterning();
    return result;
  }
  return (result << 1) | <i32>(highBits === 0);
}

/**
 * Validates input[start, length) as one JSON document — its grammar; the host checks UTF-8 — and writes the
 * tape of its projected values. Returns the number of tape entries, NOT_JSON, or NEEDS_PARSE.
 */
function scanDocument(start: i32, length: i32): i32 {
  const base = inputPtr;
  const end = base + <usize>length;
  const stack = stackPtr;
  const nodes = nodesPtr;
  const tp = tapePtr;
  needsParse = false;
  highBits = 0;
  v128.store(end, i8x16.splat(0)); // the zero at `end` that the loops stop at (see skipWs)
  let p = skipWs(base + <usize>start);
  let n: i32 = 0; // entries written
  let depth: i32 = 0; // containers open
  let node: i32 = 0; // projection node of the value at `p` (-1: not projected); the root's is node 0
  let inObject = false; // whether the innermost open container is an object
  let containerNode: i32 = -1; // its projection node
  for (;;) {
    // At the start of a value.
    const c = <i32>load<u8>(p);
    if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      if (depth >= MAX_DEPTH) return NOT_JSON;
      inObject = c === OPEN_OBJECT;
      containerNode = node;
      let entry: i32 = -1;
      if (node >= 0) {
        entry = n;
        store<i32>(tp + (<usize>n << 3), inObject ? KIND_OBJECT : KIND_ARRAY);
        n++;
      }
      store<i32>(stack + (<usize>depth << 2), (entry << 1) | <i32>inObject);
      store<i32>(nodes + (<usize>depth << 2), node);
      depth++;
      p = skipWs(p + 1);
      const d = <i32>load<u8>(p);
      if (inObject) {
        if (d !== CLOSE_OBJECT) {
          p = keyEnd(p, end, node);
          if (p === 0) return NOT_JSON;
          if (keySlot >= 0) {
            store<i32>(tp + (<usize>n << 3), KIND_KEY | (keySlot << 4));
            n++;
          }
          node = valueNode;
          continue;
        }
      } else if (d !== CLOSE_ARRAY) continue; // elements share the array's node
      // An empty container: `p` is at its closing bracket, handled below.
    } else {
      const entry = tp + (<usize>n << 3);
      if (c === QUOTE) {
        escaped = false;
        const q = stringEnd(p, end);
        if (q === 0) return NOT_JSON;
        if (node >= 0) {
          const length = <i32>(q - p - 2);
          if (!escaped && length <= MAX_INTERNED_LENGTH) {
            const id = intern(p + 1, length);
            store<i32>(entry, (id < 0 ? KIND_NEW_STRING : KIND_INTERNED_STRING) | (<i32>(p + 1 - base) << 4));
            store<i32>(entry, (id & 0xffff) | (length << 16), 4);
          } else {
            store<i32>(entry, (escaped ? KIND_ESCAPED_STRING : KIND_STRING) | (<i32>(p + 1 - base) << 4));
            store<i32>(entry, <i32>(q - 1 - base), 4);
          }
          n++;
        }
        p = q;
      } else if (c === 0x74) {
        if (load<u32>(p) !== 0x65757274) return NOT_JSON; // true
        if (node >= 0) {
          store<i32>(entry, KIND_TRUE);
          n++;
        }
        p += 4;
      } else if (c === 0x66) {
        if (load<u32>(p + 1) !== 0x65736c61) return NOT_JSON; // false
        if (node >= 0) {
          store<i32>(entry, KIND_FALSE);
          n++;
        }
        p += 5;
      } else if (c === 0x6e) {
        if (load<u32>(p) !== 0x6c6c756e) return NOT_JSON; // null
        if (node >= 0) {
          store<i32>(entry, KIND_NULL);
          n++;
        }
        p += 4;
      } else {
        const q = numberEnd(p);
        if (q === 0) return NOT_JSON;
        if (node >= 0) {
          store<i32>(entry, KIND_NUMBER | (<i32>(p - base) << 4));
          store<i32>(entry, <i32>(q - base), 4);
          n++;
        }
        p = q;
      }
      if (depth === 0) break;
      p = skipWs(p);
    }
    // After a complete value, or at the closing bracket of an empty container: close or go on.
    for (;;) {
      const d = <i32>load<u8>(p);
      if (d === COMMA) {
        p = skipWs(p + 1);
        node = containerNode;
        if (inObject) {
          p = keyEnd(p, end, node);
          if (p === 0) return NOT_JSON;
          if (keySlot >= 0) {
            store<i32>(tp + (<usize>n << 3), KIND_KEY | (keySlot << 4));
            n++;
          }
          node = valueNode;
        }
        break;
      }
      if (d !== (inObject ? CLOSE_OBJECT : CLOSE_ARRAY)) return NOT_JSON;
      depth--;
      const entry = load<i32>(stack + (<usize>depth << 2)) >> 1;
      if (entry >= 0) store<i32>(tp + (<usize>entry << 3), n, 4); // the container's entry points past its end
      p++;
      if (depth === 0) break;
      inObject = (load<i32>(stack + (<usize>(depth - 1) << 2)) & 1) === 1;
      containerNode = load<i32>(nodes + (<usize>(depth - 1) << 2));
      p = skipWs(p);
    }
    if (depth === 0) break;
  }
  // The root value is complete: only whitespace may follow.
  if (skipWs(p) !== end) return NOT_JSON;
  return needsParse ? NEEDS_PARSE : n;
}
