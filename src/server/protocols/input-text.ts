import { isUtf8 } from 'node:buffer';

/**
 * Request documents are read strictly: text that is not Unicode is refused, never altered. A JSON body must be
 * UTF-8 (a lenient decoder turns bad bytes into U+FFFD, silently changing a partition key or a message); no
 * string may hold an unpaired surrogate (`"\ud800"` is valid JSON, but no UTF-8 can store it); and documents
 * nest at most MAX_INPUT_DEPTH levels (Jackson's default limit, which AWS's JSON services apply), so no code
 * walking an input can run out of stack.
 */

/** The deepest nesting a request document may have (Jackson's StreamReadConstraints default). */
export const MAX_INPUT_DEPTH = 1000;

/** What is wrong with a request document. */
export type InputProblem =
  | { kind: 'syntax' }
  | { kind: 'utf8' }
  | { kind: 'depth' }
  /** `member`: where, e.g. `Records[2].PartitionKey` (query protocol: the parameter name); `char`: `#xD800`. */
  | { kind: 'text'; member: string; char: string };

export class InputError extends Error {
  constructor(readonly problem: InputProblem) {
    super(problem.kind);
  }
}

/** An escape that may spell a surrogate (`\uD800`-`\uDFFF`); only documents with one need their strings checked. */
const SURROGATE_ESCAPE = /\\u[dD][89a-fA-F]/;
/** In a `u` regex a surrogate pair is one code point, so this matches only unpaired surrogates. */
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * Parses a JSON request body strictly (see above); throws InputError. Members `ownText` names (by path, e.g.
 * `Entries[0].MessageBody`) may hold unpaired surrogates: the service checks their characters itself.
 */
export function parseJsonStrict(body: Buffer, ownText?: (member: string) => boolean): unknown {
  const { value, escapes } = readJson(body);
  checkDocument(value, escapes, undefined, ownText);
  return value;
}

/**
 * The first half of parseJsonStrict: the body as UTF-8 JSON, not yet checked (checkDocument, with `strings` =
 * `escapes`: whether the text has an escape that may spell a surrogate); throws InputError.
 */
export function readJson(body: Buffer): { value: unknown; escapes: boolean } {
  if (!isUtf8(body)) throw new InputError({ kind: 'utf8' });
  const text = body.toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new InputError({ kind: 'syntax' });
  }
  return { value, escapes: text.includes('\\u') && SURROGATE_ESCAPE.test(text) };
}

/**
 * Checks a decoded document's nesting, and with `strings` every string and key for unpaired surrogates;
 * throws InputError. `onString` sees every string value; `ownText` as for parseJsonStrict. Visits each node once, stopping at MAX_INPUT_DEPTH (never deeper, so never overflowing).
 */
export function checkDocument(
  value: unknown,
  strings: boolean,
  onString?: (s: string) => void,
  ownText?: (member: string) => boolean,
): void {
  if (!strings && !onString) {
    checkDepth(value, 0);
    return;
  }
  const path: Array<string | number> = [];
  const visit = (v: unknown, depth: number): void => {
    if (typeof v === 'string') {
      if (strings) checkText(v, path, ownText);
      onString?.(v);
      return;
    }
    if (typeof v !== 'object' || v === null || ArrayBuffer.isView(v) || v instanceof Date) return;
    if (depth >= MAX_INPUT_DEPTH) throw new InputError({ kind: 'depth' });
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        path.push(i);
        visit(v[i], depth + 1);
        path.pop();
      }
      return;
    }
    for (const key of Object.keys(v)) {
      // A bad key is reported at its object (the message must not quote it).
      if (strings) checkText(key, path, ownText);
      path.push(key);
      visit((v as Record<string, unknown>)[key], depth + 1);
      path.pop();
    }
  };
  visit(value, 0);
}

/** The common case, kept lean (every JSON request goes through it): nesting only, no path kept. */
function checkDepth(v: unknown, depth: number): void {
  if (typeof v !== 'object' || v === null || ArrayBuffer.isView(v)) return;
  if (depth >= MAX_INPUT_DEPTH) throw new InputError({ kind: 'depth' });
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) checkDepth(v[i], depth + 1);
    return;
  }
  for (const key in v) checkDepth((v as Record<string, unknown>)[key], depth + 1);
}

function checkText(
  s: string,
  path: ReadonlyArray<string | number>,
  ownText?: (member: string) => boolean,
): void {
  const m = LONE_SURROGATE.exec(s);
  if (!m) return;
  const member = memberPath(path);
  if (ownText?.(member)) return;
  throw new InputError({ kind: 'text', member, char: xmlCharRef(m[0].charCodeAt(0)) });
}

/** `Records[2].PartitionKey`. */
function memberPath(path: ReadonlyArray<string | number>): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out === '' ? p : `.${p}`;
  return out;
}

/** `#xD800`: how AWS names a character in its messages (XML's character reference syntax). */
export function xmlCharRef(code: number): string {
  return `#x${code.toString(16).toUpperCase()}`;
}

/**
 * Decodes one `application/x-www-form-urlencoded` component as URLSearchParams does (`+` is a space; `%XX` is
 * a byte; a `%` not followed by two hex digits stays as is), except that bytes which are not UTF-8 are refused
 * (URLSearchParams would replace them with U+FFFD): throws InputError naming `member` and the first bad byte.
 */
export function decodeFormComponent(raw: string, member: string): string {
  const s = raw.includes('+') ? raw.replaceAll('+', ' ') : raw;
  if (!s.includes('%')) return s;
  try {
    return decodeURIComponent(s);
  } catch {
    // A malformed escape (kept as is) or bytes that are not UTF-8: decode byte by byte to tell which.
  }
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x25 && i + 2 < s.length && isHex(s.charCodeAt(i + 1)) && isHex(s.charCodeAt(i + 2))) {
      bytes.push(parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (c < 0x80) {
      bytes.push(c);
    } else {
      // A character sent as is (the body was UTF-8): its own UTF-8 bytes.
      const cp = s.codePointAt(i)!;
      for (const b of Buffer.from(String.fromCodePoint(cp), 'utf8')) bytes.push(b);
      if (cp > 0xffff) i++;
    }
  }
  const buf = Buffer.from(bytes);
  const bad = firstBadUtf8Byte(buf);
  if (bad !== undefined) throw new InputError({ kind: 'text', member, char: xmlCharRef(bad) });
  return buf.toString('utf8');
}

function isHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

/** The first byte of `bytes` that does not start (or continue) a valid UTF-8 sequence, for messages. */
export function firstBadUtf8Byte(bytes: Uint8Array): number | undefined {
  for (let i = 0; i < bytes.length;) {
    const b = bytes[i]!;
    const n =
      b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (n === 0 || i + n > bytes.length || !isUtf8(bytes.subarray(i, i + n))) return b;
    i += n;
  }
  return undefined;
}
