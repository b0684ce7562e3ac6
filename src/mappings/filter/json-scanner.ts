import { isUtf8 } from 'node:buffer';
import { OPAQUE_OBJECT, ProjectedObject, type ProjectionNode } from './projection.js';

/** Returned by `scanProjected` for bytes that are not one valid UTF-8 JSON document. */
export const NOT_JSON: unique symbol = Symbol('not-json');

/**
 * Nesting deeper than this counts as not JSON, like the default `maxNestingDepth` (1000) of Jackson, the JSON
 * parser of AWS's pattern engine. It also bounds our recursion.
 */
export const MAX_NESTING_DEPTH = 1000;

/**
 * Validates `bytes` as one JSON document — accepting exactly what
 * `JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes))` accepts, up to the nesting limit — while
 * materialising only the paths in `root`. Everything else is checked and skipped without building strings or
 * objects, in one pass over the bytes. For 1 KB records this is several times cheaper than JSON.parse, which
 * is what makes per-record filtering affordable.
 */
export function scanProjected(bytes: Uint8Array, root: ProjectionNode): unknown {
  if (!isUtf8(bytes)) return NOT_JSON;
  return scanProjectedUtf8Unchecked(bytes, root);
}

/**
 * `scanProjected` without the UTF-8 check, for a caller that only needs it when the result matters: the scan
 * itself only looks at ASCII bytes, so invalid UTF-8 changes at most some decoded strings (to U+FFFD), never the
 * structure. The caller must reject the bytes itself (`isUtf8`) before acting on a match.
 */
export function scanProjectedUtf8Unchecked(bytes: Uint8Array, root: ProjectionNode): unknown {
  const n = bytes.length;
  view = new DataView(bytes.buffer, bytes.byteOffset, n);
  const bom = n >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf; // TextDecoder drops it
  try {
    const value = readValue(bytes, ws(bytes, bom ? 3 : 0, n), n, root, 0);
    return ws(bytes, end, n) === n ? value : NOT_JSON;
  } catch (err) {
    if (err === FAIL) return NOT_JSON;
    throw err;
  }
}

// The hot functions take (bytes, index, length) and return the next index, so that the position lives in
// registers; `readValue` returns the value and leaves its end index in `end`. Scanning is synchronous and
// never re-entered, so module-level out-variables are safe.
let end = 0;
let sawEscape = false;
/** The bytes being scanned, read four at a time inside strings (see `stringEnd`). */
let view: DataView<ArrayBufferLike> = new DataView(new ArrayBuffer(0));

/** Thrown (never constructed per failure) to unwind on the first syntax error. */
const FAIL = { reason: 'invalid JSON' };
function fail(): never {
  throw FAIL;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

function ws(b: Uint8Array, i: number, n: number): number {
  while (i < n) {
    const c = b[i] as number;
    // Most calls land on a token at once (records are usually compact JSON): one comparison decides.
    if (c > 0x20) break;
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++;
    else break;
  }
  return i;
}

function readValue(b: Uint8Array, i: number, n: number, node: ProjectionNode, depth: number): unknown {
  switch (b[i]) {
    case OPEN_OBJECT:
      if (node.keys.length === 0) {
        end = skipValue(b, i, n, depth);
        return OPAQUE_OBJECT;
      }
      return readObject(b, i, n, node, depth);
    case OPEN_ARRAY:
      return readArray(b, i, n, node, depth);
    case QUOTE:
      return readString(b, i, n);
    case 0x74: // t
      end = literalEnd(b, i, 0x72, 0x75, 0x65, 0);
      return true;
    case 0x66: // f
      end = literalEnd(b, i, 0x61, 0x6c, 0x73, 0x65);
      return false;
    case 0x6e: // n
      end = literalEnd(b, i, 0x75, 0x6c, 0x6c, 0);
      return null;
    default:
      return readNumber(b, i, n);
  }
}

function readObject(
  b: Uint8Array,
  i: number,
  n: number,
  node: ProjectionNode,
  depth: number,
): ProjectedObject {
  if (depth >= MAX_NESTING_DEPTH) fail();
  const slots = node.emptySlots.slice();
  i = ws(b, i + 1, n);
  if (b[i] === CLOSE_OBJECT) {
    end = i + 1;
    return new ProjectedObject(slots);
  }
  for (;;) {
    if (b[i] !== QUOTE) fail();
    const keyStart = i + 1;
    sawEscape = false;
    i = stringEnd(b, i, n);
    const slot = sawEscape
      ? node.slotOf(JSON.parse(decodeSpan(b, keyStart - 1, i)) as string)
      : keySlot(node, b, keyStart, i - 1);
    i = ws(b, i, n);
    if (b[i] !== COLON) fail();
    i = ws(b, i + 1, n);
    if (slot >= 0) {
      slots[slot] = readValue(b, i, n, node.children[slot] as ProjectionNode, depth + 1);
      i = end;
    } else {
      i = skipValue(b, i, n, depth + 1);
    }
    i = ws(b, i, n);
    const c = b[i];
    if (c === COMMA) i = ws(b, i + 1, n);
    else if (c === CLOSE_OBJECT) {
      end = i + 1;
      return new ProjectedObject(slots);
    } else fail();
  }
}

function readArray(b: Uint8Array, i: number, n: number, node: ProjectionNode, depth: number): unknown[] {
  if (depth >= MAX_NESTING_DEPTH) fail();
  const out: unknown[] = [];
  i = ws(b, i + 1, n);
  if (b[i] === CLOSE_ARRAY) {
    end = i + 1;
    return out;
  }
  for (;;) {
    out.push(readValue(b, i, n, node, depth + 1));
    i = ws(b, end, n);
    const c = b[i];
    if (c === COMMA) i = ws(b, i + 1, n);
    else if (c === CLOSE_ARRAY) {
      end = i + 1;
      return out;
    } else fail();
  }
}

/** The slot of `node` whose key bytes equal b[start, stop), or -1. */
function keySlot(node: ProjectionNode, b: Uint8Array, start: number, stop: number): number {
  const len = stop - start;
  const slots = node.slotsByLength[len];
  if (slots === undefined) return -1;
  for (let k = 0; k < slots.length; k++) {
    const slot = slots[k] as number;
    const key = node.keyBytes[slot] as Uint8Array;
    let j = 0;
    while (j < len && key[j] === b[start + j]) j++;
    if (j === len) return slot;
  }
  return -1;
}

const containerStack = new Uint8Array(MAX_NESTING_DEPTH + 1);

/**
 * Validates and skips the value starting at `i` (iteratively: an explicit stack of open containers), returning
 * the index after it. `depth` is the number of containers already open around it.
 */
function skipValue(b: Uint8Array, i: number, n: number, depth: number): number {
  const stack = containerStack;
  let top = 0;
  for (;;) {
    // At the start of a value.
    const c = b[i];
    if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      if (depth + top >= MAX_NESTING_DEPTH) fail();
      i = ws(b, i + 1, n);
      if (c === OPEN_OBJECT) {
        if (b[i] !== CLOSE_OBJECT) {
          stack[top++] = OPEN_OBJECT;
          i = keyAndColonEnd(b, i, n);
          continue;
        }
      } else if (b[i] !== CLOSE_ARRAY) {
        stack[top++] = OPEN_ARRAY;
        continue;
      }
      i++; // empty container
    } else if (c === QUOTE) i = stringEnd(b, i, n);
    else if (c === 0x74) i = literalEnd(b, i, 0x72, 0x75, 0x65, 0);
    else if (c === 0x66) i = literalEnd(b, i, 0x61, 0x6c, 0x73, 0x65);
    else if (c === 0x6e) i = literalEnd(b, i, 0x75, 0x6c, 0x6c, 0);
    else i = numberEnd(b, i, n);
    // After a complete value: close finished containers, or move on to the next member.
    for (;;) {
      if (top === 0) return i;
      i = ws(b, i, n);
      const d = b[i];
      const open = stack[top - 1];
      if (d === COMMA) {
        i = ws(b, i + 1, n);
        if (open === OPEN_OBJECT) i = keyAndColonEnd(b, i, n);
        break;
      }
      if (d === (open === OPEN_OBJECT ? CLOSE_OBJECT : CLOSE_ARRAY)) {
        i++;
        top--;
      } else fail();
    }
  }
}

/** Skips `"key" :` and the whitespace after it. */
function keyAndColonEnd(b: Uint8Array, i: number, n: number): number {
  if (b[i] !== QUOTE) fail();
  i = ws(b, stringEnd(b, i, n), n);
  if (b[i] !== COLON) fail();
  return ws(b, i + 1, n);
}

/** Bytes that stop the fast loop inside a string: the quote, the backslash and control characters. */
const STRING_STOP = new Uint8Array(256);
for (let c = 0; c < 0x20; c++) STRING_STOP[c] = 1;
STRING_STOP[QUOTE] = 1;
STRING_STOP[BACKSLASH] = 1;

/** Checks the string starting at `i` (a quote) and returns the index after its closing quote. */
function stringEnd(b: Uint8Array, i: number, n: number): number {
  i++;
  const stop = STRING_STOP;
  const v4 = view;
  for (;;) {
    // Four bytes at a time while none is a quote, a backslash or a control character (SWAR: "has a byte
    // equal to / less than" tests on a 32-bit word). String content is most of a JSON document's bytes.
    while (i + 4 <= n) {
      const w = v4.getInt32(i, true);
      const q = w ^ 0x22222222;
      const e = w ^ 0x5c5c5c5c;
      if (((((w - 0x20202020) & ~w) | ((q - 0x01010101) & ~q) | ((e - 0x01010101) & ~e)) & 0x80808080) !== 0)
        break;
      i += 4;
    }
    while (i < n && stop[b[i] as number] === 0) i++; // one table load per byte
    if (i >= n) fail();
    const c = b[i] as number;
    if (c === QUOTE) return i + 1;
    if (c !== BACKSLASH) fail(); // a raw control character
    sawEscape = true;
    i = escapeEnd(b, i, n);
  }
}

/** Validates the escape sequence at `i` (a backslash) and returns the index after it. */
function escapeEnd(b: Uint8Array, i: number, n: number): number {
  const e = b[i + 1];
  if (e === 0x75) {
    if (i + 5 >= n || !isHex(b[i + 2]) || !isHex(b[i + 3]) || !isHex(b[i + 4]) || !isHex(b[i + 5])) fail();
    return i + 6;
  }
  // " \ / b f n r t
  if (
    e === QUOTE ||
    e === BACKSLASH ||
    e === 0x2f ||
    e === 0x62 ||
    e === 0x66 ||
    e === 0x6e ||
    e === 0x72 ||
    e === 0x74
  ) {
    return i + 2;
  }
  return fail();
}

function isHex(c: number | undefined): boolean {
  return (
    c !== undefined && ((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66))
  );
}

/** Index after the literal starting at `i` whose remaining bytes are c1 c2 c3 [c4] (c4 0: three bytes). */
function literalEnd(b: Uint8Array, i: number, c1: number, c2: number, c3: number, c4: number): number {
  if (b[i + 1] !== c1 || b[i + 2] !== c2 || b[i + 3] !== c3) fail();
  if (c4 === 0) return i + 4;
  if (b[i + 4] !== c4) fail();
  return i + 5;
}

/** Checks JSON number grammar from `i`; returns the index after the number. */
function numberEnd(b: Uint8Array, i: number, n: number): number {
  if (b[i] === 0x2d) i++; // -
  let c = b[i];
  if (c === 0x30) i++;
  else if (c !== undefined && c >= 0x31 && c <= 0x39) {
    i++;
    while (i < n && isDigit(b[i])) i++;
  } else fail();
  if (b[i] === 0x2e) {
    i++;
    if (!isDigit(b[i])) fail();
    while (i < n && isDigit(b[i])) i++;
  }
  c = b[i];
  if (c === 0x65 || c === 0x45) {
    i++;
    c = b[i];
    if (c === 0x2b || c === 0x2d) i++;
    if (!isDigit(b[i])) fail();
    while (i < n && isDigit(b[i])) i++;
  }
  return i;
}

function isDigit(c: number | undefined): boolean {
  return c !== undefined && c >= 0x30 && c <= 0x39;
}

const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

function readNumber(b: Uint8Array, i: number, n: number): number {
  const stop = numberEnd(b, i, n);
  end = stop;
  // Fast path (Clinger): at most 15 digits and no exponent — the digits form an exact integer and a single
  // division by an exact power of ten rounds correctly, giving the same double as JSON.parse.
  let j = i;
  const negative = b[j] === 0x2d;
  if (negative) j++;
  let mantissa = 0;
  let digits = 0;
  let fraction = -1;
  for (; j < stop; j++) {
    const c = b[j] as number;
    if (c === 0x2e) fraction = 0;
    else if (c >= 0x30 && c <= 0x39) {
      mantissa = mantissa * 10 + (c - 0x30);
      digits++;
      if (fraction >= 0) fraction++;
    } else break; // exponent
  }
  if (j === stop && digits <= 15) {
    const v = fraction > 0 ? mantissa / (POW10[fraction] as number) : mantissa;
    return negative ? -v : v;
  }
  return Number(decodeSpan(b, i, stop));
}

// Short ASCII strings repeat a lot in records (types, regions, states): keep the last string seen per hash
// slot and reuse it when the bytes are the same, instead of decoding again.
const CACHE_SIZE = 1024;
const MAX_CACHED_LENGTH = 32;
const stringCache: string[] = new Array<string>(CACHE_SIZE).fill('');

function readString(b: Uint8Array, i: number, n: number): string {
  sawEscape = false;
  const stop = stringEnd(b, i, n);
  end = stop;
  const start = i + 1;
  const last = stop - 1;
  if (sawEscape) return JSON.parse(decodeSpan(b, i, stop)) as string; // let JSON.parse unescape
  const len = last - start;
  if (len > MAX_CACHED_LENGTH) return decodeSpan(b, start, last);
  let hash = len;
  for (let j = start; j < last; j++) {
    const c = b[j] as number;
    if (c >= 0x80) return decodeSpan(b, start, last);
    hash = (Math.imul(hash, 31) + c) | 0;
  }
  const slot = hash & (CACHE_SIZE - 1);
  const cached = stringCache[slot] as string;
  if (cached.length === len) {
    let k = 0;
    while (k < len && cached.charCodeAt(k) === b[start + k]) k++;
    if (k === len) return cached;
  }
  const s = decodeSpan(b, start, last);
  stringCache[slot] = s;
  return s;
}

const decoder = new TextDecoder('utf-8');

function decodeSpan(b: Uint8Array, start: number, stop: number): string {
  return decoder.decode(b.subarray(start, stop));
}
