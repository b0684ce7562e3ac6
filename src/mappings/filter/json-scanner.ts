import { isUtf8 } from 'node:buffer';
import { projectParsed, type ProjectionNode } from './projection.js';
import {
  KIND_ESCAPED_STRING,
  KIND_FALSE,
  KIND_INTERNED_STRING,
  KIND_NEW_STRING,
  KIND_NULL,
  KIND_NUMBER,
  KIND_STRING,
  KIND_TRUE,
  MAX_INTERNED_ID,
  scanToTape,
  TAPE_NEEDS_PARSE,
  TAPE_NOT_JSON,
  tapeWord,
  words,
} from './wasm/json-tape.js';

/** Returned by `scanProjected` for bytes that are not one valid UTF-8 JSON document. */
export const NOT_JSON: unique symbol = Symbol('not-json');

/**
 * Nesting deeper than this counts as not JSON, like the default `maxNestingDepth` (1000) of Jackson, the JSON
 * parser of AWS's pattern engine. The WebAssembly validator (wasm/json-tape.as.ts) applies it.
 */
export const MAX_NESTING_DEPTH = 1000;

/**
 * Validates `bytes` as one JSON document — accepting exactly what
 * `JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes))` accepts, up to the nesting limit — while
 * materialising only the paths in `root`. The bytes are validated in WebAssembly (wasm/json-tape.as.ts), which
 * matches keys against the projection as it goes and writes only the projected values to a tape; this side
 * builds those, never seeing the rest. For 1 KB records this is several times cheaper than JSON.parse, which
 * is what makes per-record filtering affordable.
 */
export function scanProjected(bytes: Uint8Array, root: ProjectionNode): unknown {
  if (!isUtf8(bytes)) return NOT_JSON;
  return scanProjectedUtf8Unchecked(bytes, root);
}

/**
 * `scanProjected` without the UTF-8 check, for a caller that only needs it when the result matters: the
 * validator only looks at ASCII bytes, so invalid UTF-8 changes at most some decoded strings (to U+FFFD), never
 * the structure. The caller must reject the bytes itself (`isUtf8`) before acting on a match.
 */
export function scanProjectedUtf8Unchecked(bytes: Uint8Array, root: ProjectionNode): unknown {
  const n = bytes.length;
  const bom = n >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf; // TextDecoder drops it
  const compiled = root.compiled(readScalar);
  const result = scanToTape(bytes, bom ? 3 : 0, compiled.encoded);
  lastKnownUtf8 = result >= 0 && (result & 1) === 1;
  if (result === TAPE_NOT_JSON) return NOT_JSON;
  if (result === TAPE_NEEDS_PARSE) {
    // Valid JSON whose projected objects have escaped keys (rare): compare them decoded.
    return projectParsed(JSON.parse(decoder.decode(bytes)), root);
  }
  return compiled.walker(bytes, words, tapeWord);
}

let lastKnownUtf8 = false;

/**
 * Whether `bytes`, just scanned by `scanProjectedUtf8Unchecked`, are valid UTF-8. Free when the scan saw only
 * ASCII, the usual case; `isUtf8` otherwise.
 */
export function scannedBytesAreUtf8(bytes: Uint8Array): boolean {
  return lastKnownUtf8 || isUtf8(bytes);
}

/** The string, number, boolean or null of a tape entry whose words are `head` and `word`. */
function readScalar(b: Uint8Array, head: number, word: number): unknown {
  switch (head & 15) {
    case KIND_INTERNED_STRING:
      return internedStrings[word & 0xffff] as string;
    case KIND_NUMBER:
      return readNumber(b, head >>> 4, word);
    case KIND_NEW_STRING: {
      const start = head >>> 4;
      const s = decodeSpan(b, start, start + (word >>> 16));
      internedStrings[word & 0xffff] = s;
      return s;
    }
    case KIND_STRING:
      return decodeSpan(b, head >>> 4, word);
    case KIND_ESCAPED_STRING:
      return JSON.parse(decodeSpan(b, (head >>> 4) - 1, word + 1)) as string;
    case KIND_TRUE:
      return true;
    case KIND_FALSE:
      return false;
    case KIND_NULL:
      return null;
    default:
      throw new Error(`corrupt JSON tape entry ${head}`);
  }
}

const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

/** The number in b[i, stop), already validated. */
function readNumber(b: Uint8Array, i: number, stop: number): number {
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

/** Strings by interning id (see `intern` in wasm/json-tape.as.ts): set when an id is new, read after. */
const internedStrings: string[] = new Array<string>(MAX_INTERNED_ID + 1).fill('');

const decoder = new TextDecoder('utf-8');

function decodeSpan(b: Uint8Array, start: number, stop: number): string {
  return decoder.decode(b.subarray(start, stop));
}
