import { echo, typeMismatch, type AwsError, type ValidationIssue } from './errors.js';
import { INVALID, readStrict, type At, type Dialect, type Failure, type ScalarShape } from './validate.js';
import { awsJsonDialect, onceEach, validationException } from './validation-dialects.js';

/**
 * Kinesis's validation answers: the AWS JSON family's (validation-dialects.ts) as Kinesis's front end (Coral)
 * reads and words them — its own texts for a value of the wrong JSON type, its order, its cap. Recorded in
 * kinesalite's tests, written against AWS; test/kinesis/conformance/ states each answer.
 */

/** How Coral names the target type in "... can not be converted to an <Type>" (and `a Blob`). */
const CORAL_TYPE: Record<string, string> = {
  string: 'an String',
  integer: 'an Integer',
  double: 'an Double',
  boolean: 'an Boolean',
  blob: 'a Blob',
  timestamp: 'milliseconds since epoch',
};
/** The Java class Coral reads a JSON number as. */
const CORAL_NUMBER = 'class com.amazon.coral.value.json.numbers.TruncatingBigNumber';
/** Java's largest int: Coral reads a larger number given for an Integer as this. */
const JAVA_INT_MAX = 2147483647;

const BASE64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/**
 * Whether the last character before the padding uses no bits past the data (`+/+=` does: its `+` carries bits
 * no byte holds), which Coral's strict decoder requires; `s` is otherwise well-formed base64.
 */
function canonicalTail(s: string): boolean {
  const pad = s.endsWith('==') ? 2 : s.endsWith('=') ? 1 : 0;
  if (pad === 0) return true;
  return BASE64_ALPHABET.indexOf(s.charAt(s.length - pad - 1)) % (pad === 2 ? 16 : 4) === 0;
}

/** Whether Coral's base64 decoder reads `s` (see base64Problem); for fast paths that must refuse what it refuses. */
export function isCoralBase64(s: string): boolean {
  return s.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(s) && canonicalTail(s);
}

/** The text Coral's base64 decoder refuses `s` with, or undefined when it reads it. */
function base64Problem(s: string): string | undefined {
  if (s.length % 4 !== 0)
    return `Base64 encoded length is expected a multiple of 4 bytes but found: ${s.length}`;
  const bad = /[^A-Za-z0-9+/=]|=[^=]/.exec(s);
  if (bad) return `Invalid Base64 character: '${bad[0].charAt(0)}'`;
  if (/={3}/.test(s) || !canonicalTail(s)) return 'Invalid last non-pad Base64 character dectected';
  return undefined;
}

/**
 * Coral's words for a value of the wrong JSON type (a SerializationException whose body says `Message`), as
 * Kinesis answers them (kinesalite's serialization tests, recorded against AWS). An enum given a number, list
 * or structure is "Unexpected value type in payload" (issue 17's record of today's AWS). CBOR requests get the
 * same words: no recorded CBOR answers say otherwise.
 */
export function coralTypeMessage(raw: unknown, shape: At['shape']): string {
  const listStart = 'Start of list found where not expected';
  const mapStart = 'Start of structure or map found where not expected.';
  const isList = Array.isArray(raw);
  const isMap = typeof raw === 'object' && raw !== null && !isList && !(raw instanceof Uint8Array);
  switch (shape.type) {
    case 'list':
      return isMap ? mapStart : 'Expected list or null';
    case 'map':
      return isList ? listStart : 'Expected map or null';
    case 'structure':
      return isList ? listStart : 'Expected null';
  }
  if (shape.type === 'string' && shape.enum && typeof raw !== 'boolean')
    return 'Unexpected value type in payload';
  if (isList) return listStart;
  if (isMap) return mapStart;
  const target = CORAL_TYPE[shape.type] ?? shape.type;
  if (typeof raw === 'boolean') return `class java.lang.Boolean can not be converted to ${target}`;
  if (typeof raw === 'number') return `${CORAL_NUMBER} can not be converted to ${target}`;
  if (typeof raw === 'string') {
    if (shape.type === 'boolean') return `'${echo(raw.toUpperCase())}' can not be converted to an Boolean`;
    if (shape.type === 'blob') return `'${echo(raw)}' can not be converted to a Blob: ${base64Problem(raw)}`;
    return `class java.lang.String can not be converted to ${target}`;
  }
  return mapStart;
}

/** Coral's reading of the scalar types: integers floored (an Integer capped at Java's), strict base64. */
function readCoral(v: unknown, shape: ScalarShape): unknown {
  switch (shape.type) {
    case 'integer':
      return typeof v === 'number' && Number.isFinite(v) ? Math.min(Math.floor(v), JAVA_INT_MAX) : INVALID;
    case 'boolean':
      if (typeof v === 'string') {
        // Coral converts these words (and only these) to a boolean.
        const word = v.toLowerCase();
        if (['true', 'yes', '1'].includes(word)) return true;
        if (['false', 'no', '0'].includes(word)) return false;
      }
      return readStrict(v, shape);
    case 'timestamp':
      if (v instanceof Date) return Number.isNaN(v.getTime()) ? INVALID : v.getTime();
      return typeof v === 'number' && Number.isFinite(v) ? Math.round(v * 1000) : INVALID;
    case 'blob':
      if (typeof v === 'string') return isCoralBase64(v) ? Buffer.from(v, 'base64') : INVALID;
      return readStrict(v, shape);
    default:
      return readStrict(v, shape);
  }
}

/**
 * Kinesis: the AWS JSON family's constraint answers, with Coral's reading of types and words for a value of
 * the wrong type (coralTypeMessage), a string's pattern checked before its length, the failures listed in
 * the order the validator meets them, and at most 10 of them, counted as 10 (its recorded answers). That order
 * is the input shape's member order: Kinesis's shapes declare their members in the order AWS lists their
 * failures (recorded in kinesalite's tests against AWS), which is neither the API model's nor alphabetical.
 */
export const coralJsonDialect: Dialect = {
  read: readCoral,
  patternFirst: true,
  fail(f: Failure): AwsError | ValidationIssue {
    if (f.kind === 'type') return typeMismatch(coralTypeMessage(f.raw, f.at.shape));
    return awsJsonDialect.fail(f);
  },
  issues(issues: ValidationIssue[]) {
    return validationException(onceEach(issues), true);
  },
};
