import { AwsError, echo, echoJson, Serialization, type ValidationIssue } from './errors.js';
import {
  INVALID,
  isTopLevel,
  memberOf,
  queryKeyOf,
  readStrict,
  type At,
  type Dialect,
  type Failure,
  type ScalarShape,
} from './validate.js';

/**
 * AWS's validation messages, per service family: the one place they are worded. The validator (validate.ts)
 * finds what is wrong; a family's Dialect says how its service reads values and what its clients are told.
 * Services bring only their error types (codes, namespaces).
 */

/** AWS's constraint text: `Member must have length less than or equal to 256`. */
export function constraintText(f: Failure): string {
  const shape = f.at.shape;
  const limit = f.bound !== undefined ? (shape as { min?: number; max?: number })[f.bound] : undefined;
  const side = f.bound === 'min' ? 'greater' : 'less';
  switch (f.kind) {
    case 'missing':
      return 'Member must not be null';
    case 'length':
      return `Member must have length ${side} than or equal to ${limit}`;
    case 'range':
      return `Member must have value ${side} than or equal to ${limit}`;
    case 'pattern':
      // RegExp#source escapes '/', which AWS's printed patterns do not.
      return `Member must satisfy regular expression pattern: ${(shape as { pattern: RegExp }).pattern.source.replaceAll('\\/', '/')}`;
    case 'enum':
      return `Member must satisfy enum value set: [${(shape as { enum: readonly string[] }).enum.join(', ')}]`;
    case 'type':
      return `Member must be of type ${shape.type}`;
    case 'check':
      return f.constraint ?? '';
  }
}

const lowerFirst = (s: string): string => s.charAt(0).toLowerCase() + s.slice(1);

/** A list item of a scalar type (`Statistics.member.1`), as opposed to a member of a structure item. */
const isScalarItem = (at: At): boolean =>
  at.index !== undefined && at.shape.type !== 'structure' && at.shape.type !== 'list';

// ---------------------------------------------------------------------------------------------
// CloudWatch (awsQueryCompatible, the same answers in JSON, CBOR and the query protocol)

export interface QueryCompatibleErrors {
  /** `MissingParameter`: a required member is not given. */
  missing(message: string): AwsError;
  /** `ValidationError`: model constraints (lengths, ranges, enums), all of them at once. */
  validation(message: string): AwsError;
}

/** Epoch seconds (number or numeric text), ISO 8601 text, or a Date, as epoch ms; INVALID otherwise. */
function readTimestamp(v: unknown): number | typeof INVALID {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? INVALID : v.getTime();
  if (typeof v === 'number') return Number.isFinite(v) ? Math.round(v * 1000) : INVALID;
  if (typeof v === 'string' && v.trim() !== '') {
    if (/^-?\d+(\.\d+)?$/.test(v.trim())) return Math.round(Number(v) * 1000);
    const ms = Date.parse(v);
    return Number.isNaN(ms) ? INVALID : ms;
  }
  return INVALID;
}

/** How CloudWatch prints a rejected value inside "Value '...' at 'x'": always quoted, structures as JSON. */
function renderQueryIssueValue(value: unknown): string {
  if (value === undefined || value === null) return "'null'";
  if (typeof value === 'string') return `'${echo(value)}'`;
  if (value instanceof Uint8Array) return `'java.nio.HeapByteBuffer[pos=0 lim=${value.length}]'`;
  if (typeof value === 'object') return `'${echoJson(value)}'`;
  return `'${echo(String(value))}'`;
}

/** CloudWatch's words for a required parameter not given (also where an action finds one missing). */
export function parameterRequired(key: string): string {
  return `The parameter ${key} is required.`;
}

/**
 * CloudWatch: a missing member is `MissingParameter` ("The parameter X is required.", named by its query
 * key), a value of the wrong type a SerializationException, and constraint failures one `ValidationError`
 * listing them. Numbers, booleans and timestamps are also read from text (what JSON clients may send).
 */
export function queryCompatibleDialect(errors: QueryCompatibleErrors): Dialect {
  return {
    read(v: unknown, shape: ScalarShape): unknown {
      switch (shape.type) {
        case 'integer': {
          const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
          return typeof n === 'number' && Number.isInteger(n) ? n : INVALID;
        }
        case 'boolean':
          if (typeof v === 'boolean') return v;
          return v === 'true' || v === 'false' ? v === 'true' : INVALID;
        case 'timestamp':
          return readTimestamp(v);
        default:
          return readStrict(v, shape);
      }
    },
    fail(f: Failure): AwsError | ValidationIssue {
      const at = f.at;
      if (f.kind === 'missing') return errors.missing(parameterRequired(queryKeyOf(at)));
      if (f.kind === 'type') {
        if (isScalarItem(at) && at.shape.type === 'string')
          return Serialization(`Unexpected value type for ${memberOf(at)}: expected list of strings`);
        // Booleans are named by their member alone.
        const where = at.shape.type === 'boolean' ? memberOf(at) : queryKeyOf(at);
        return Serialization(`Unexpected value type for ${where}: expected ${at.shape.type}`);
      }
      const path = isScalarItem(at)
        ? `${lowerFirst(queryKeyOf(at.parent))}.${at.index}.member`
        : lowerFirst(queryKeyOf(at));
      return { path, value: f.value, constraint: constraintText(f) };
    },
    issues: (issues) => errors.validation(validationMessage(issues, renderQueryIssueValue)),
  };
}

// ---------------------------------------------------------------------------------------------
// SQS (AWS JSON 1.0 and the query protocol; the first failure is the answer)

export interface SqsErrors {
  /** `MissingParameter`. */
  missing(message: string): AwsError;
  /** `InvalidParameterValue`. */
  invalid(message: string): AwsError;
}

/**
 * SQS: "The request must contain the parameter X." for a missing member (an empty string is missing too),
 * "Value v for parameter X is invalid. Reason: ..." for a bad one, the reason in the member's own words
 * (`reason`) for numbers. Numbers are read from text as well (the query protocol's, and JSON clients'), and
 * an empty number is not given.
 */
export function sqsDialect(errors: SqsErrors): Dialect {
  return {
    missing: (v) => v === undefined || v === null || v === '',
    absent: (v, at) => v === undefined || v === null || (v === '' && at.shape.type === 'integer'),
    read(v: unknown, shape: ScalarShape): unknown {
      if (shape.type !== 'integer') return readStrict(v, shape);
      const n =
        typeof v === 'number' ? v : typeof v === 'string' && /^-?\d+$/.test(v.trim()) ? Number(v) : NaN;
      return Number.isInteger(n) ? n : INVALID;
    },
    fail(f: Failure): AwsError {
      const at = f.at;
      const name = memberOf(at);
      if (f.kind === 'missing') return errors.missing(`The request must contain the parameter ${name}.`);
      if (at.shape.type === 'integer') {
        const shown = typeof f.raw === 'string' ? f.raw : echoJson(f.raw);
        const reason = at.shape.reason ?? constraintText(f);
        return errors.invalid(`Value ${echo(shown)} for parameter ${name} is invalid. Reason: ${reason}`);
      }
      if (f.kind === 'type') {
        const list =
          at.shape.type === 'list' ? at.shape : at.index !== undefined ? at.parent?.shape : undefined;
        if (list?.type === 'list')
          return errors.invalid(
            `Value for parameter ${name} is invalid. Reason: must be a list of ${list.member.type}s.`,
          );
        if (at.shape.type === 'map')
          return errors.invalid(`Value for parameter ${name} is invalid. Reason: must be a map.`);
        return errors.invalid(
          `Value ${echoJson(f.value)} for parameter ${name} is invalid. Reason: must be a ${at.shape.type}.`,
        );
      }
      return errors.invalid(
        `Value ${echoJson(f.value)} for parameter ${name} is invalid. Reason: ${constraintText(f)}.`,
      );
    },
  };
}

// ---------------------------------------------------------------------------------------------
// SNS (the query protocol only)

/**
 * SNS: every failure is `InvalidParameter` naming the request parameter it is in ("Invalid parameter: Tags");
 * a parameter that is required and not given (or empty) adds "Reason: no value for required parameter".
 */
export function snsDialect(invalidParameter: (message: string) => AwsError): Dialect {
  return {
    missing: (v, at) => v === undefined || v === null || (v === '' && isTopLevel(at)),
    fail(f: Failure): AwsError {
      let top = f.at;
      while (top.parent?.parent) top = top.parent;
      const name = top.member ?? '';
      return invalidParameter(f.kind === 'missing' && top === f.at ? snsMissingMessage(name) : name);
    },
  };
}

/** SNS's words for a required parameter not given (also used where a domain check finds one missing). */
export function snsMissingMessage(name: string): string {
  return `${name} Reason: no value for required parameter`;
}

// ---------------------------------------------------------------------------------------------
// AWS JSON services (Kinesis, Lambda and its event source mappings)

/**
 * How AWS prints a rejected value inside "Value ... at 'x'": null bare (`Value null at 'streamName'`), anything
 * else quoted; blobs as the Java ByteBuffer AWS's server sees, lists as `[a, b]`, maps as `{k=v}`.
 */
export function renderIssueValue(value: unknown): string {
  if (value === undefined || value === null) return 'null';
  return `'${echo(renderBare(value))}'`;
}

function renderBare(value: unknown): string {
  if (value === undefined || value === null) return 'null';
  if (typeof value === 'string') return value;
  if (value instanceof Uint8Array)
    return `java.nio.HeapByteBuffer[pos=0 lim=${value.length} cap=${value.length}]`;
  if (Array.isArray(value)) return `[${value.map(renderBare).join(', ')}]`;
  if (typeof value === 'object') {
    return `{${Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => `${k}=${renderBare(v)}`)
      .join(', ')}}`;
  }
  return String(value);
}

/** AWS lists at most this many failures in one validation message. */
const MAX_LISTED_ISSUES = 10;

/**
 * AWS's "N validation error(s) detected: Value ... at 'x' failed to satisfy constraint: ...; ..." (at most 10
 * listed): the one place it is worded. `render` prints a value the way the service family does (quoted, or
 * null bare; structures as JSON or as Java prints them). N counts all the failures, or with `countListed` only
 * those listed: Kinesis stops at 10 and says "10 validation errors detected" (its recorded answers).
 */
export function validationMessage(
  issues: ValidationIssue[],
  render: (value: unknown) => string,
  countListed = false,
): string {
  const listed = issues.slice(0, MAX_LISTED_ISSUES);
  const parts = listed.map(
    (i) => `Value ${render(i.value)} at '${i.path}' failed to satisfy constraint: ${i.constraint}`,
  );
  const n = countListed ? listed.length : issues.length;
  return `${n} validation error${n === 1 ? '' : 's'} detected: ${parts.join('; ')}`;
}

/** The AWS JSON family's ValidationException listing `issues` (see validationMessage). */
export function validationException(issues: ValidationIssue[], countListed = false): AwsError {
  return new AwsError('ValidationException', validationMessage(issues, renderIssueValue, countListed), 400);
}

/** AWS's path of a value in "Value ... at '<path>'": lowerCamel members, list items as `N.member`. */
export function awsPathOf(at: At | undefined): string {
  if (at?.parent === undefined) return '';
  const parent = awsPathOf(at.parent);
  const join = (s: string): string => (parent === '' ? s : `${parent}.${s}`);
  if (at.member !== undefined) return join(lowerFirst(at.member));
  if (at.index !== undefined) return join(`${at.index}.member`);
  return parent; // a map's key or value is reported at the map
}

/** Every constraint of an item's shape, as AWS lists them for a map's keys or values, or a list's members. */
function itemConstraints(shape: At['shape']): string {
  const s = shape as { min?: number; max?: number; pattern?: RegExp; enum?: readonly string[] };
  const parts: string[] = [];
  if (s.max !== undefined) parts.push(`Member must have length less than or equal to ${s.max}`);
  if (s.min !== undefined) parts.push(`Member must have length greater than or equal to ${s.min}`);
  if (s.pattern) parts.push(`Member must satisfy regular expression pattern: ${s.pattern.source}`);
  if (s.enum) parts.push(`Member must satisfy enum value set: [${s.enum.join(', ')}]`);
  return `[${parts.join(', ')}]`;
}

const TYPE_WORDS: Record<string, string> = { integer: 'number', double: 'number', map: 'structure' };

/**
 * AWS JSON 1.0/1.1, CBOR and REST-JSON services (Kinesis, Lambda): every constraint failure goes into one
 * ValidationException ("N validation errors detected: Value ... at 'path' failed to satisfy constraint:
 * ..."), a missing member too ("Member must not be null"); a value of the wrong type is a
 * SerializationException naming the member. A map's keys and values, and the lengths and enums of a list's members,
 * are reported at the map or list, once per kind. Timestamps are epoch seconds (also as text) or Dates.
 */
export const awsJsonDialect: Dialect = awsJsonDialectAs(validationException);

/**
 * The AWS JSON family's reading and wording with the constraint failures answered as `exception` says: CloudWatch
 * Logs answers them as InvalidParameterException ("1 validation error detected: Value '[]' at 'logEvents' ...").
 */
export function awsJsonDialectAs(exception: (issues: ValidationIssue[]) => AwsError): Dialect {
  return {
    read(v: unknown, shape: ScalarShape): unknown {
      if (shape.type !== 'timestamp') return readStrict(v, shape);
      if (v instanceof Date) return v.getTime();
      if (typeof v === 'number' && Number.isFinite(v)) return Math.round(v * 1000);
      if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)))
        return Math.round(Number(v) * 1000);
      return INVALID;
    },
    fail(f: Failure): AwsError | ValidationIssue {
      const issue = awsJsonFailure(f);
      // A sensitive value (or a map or list holding one) is never quoted.
      const at = f.at;
      const sensitive = at.shape.sensitive || (at.parent?.shape.sensitive && at.container !== undefined);
      return sensitive && !(issue instanceof AwsError) ? { ...issue, value: null } : issue;
    },
    issues: (issues) => exception(onceEach(issues)),
  };
}

/** A map's or list's members are reported once, however many of them fail. */
export function onceEach(issues: ValidationIssue[]): ValidationIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const id = `${i.path}\u0000${i.constraint}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

/** How the AWS JSON family reports one failure (see awsJsonDialect). */
function awsJsonFailure(f: Failure): AwsError | ValidationIssue {
  const at = f.at;
  const path = awsPathOf(at);
  if (f.kind === 'missing') return { path, value: null, constraint: 'Member must not be null' };
  const shape = at.shape;
  if (f.kind === 'type') {
    // An enum member of the wrong type fails the enum, not the parse.
    if (shape.type === 'string' && shape.enum)
      return { path, value: f.raw, constraint: constraintText({ ...f, kind: 'enum' }) };
    if (shape.type === 'blob' && typeof f.raw === 'string')
      return Serialization(`Base64 encoded data for ${memberOf(at)} is malformed.`);
    const word = shape.typeName ?? TYPE_WORDS[shape.type] ?? shape.type;
    const list = memberOf(at);
    if (at.index !== undefined) {
      const which = shape.type === 'structure' ? ` ${at.index}` : '';
      return Serialization(`Unexpected value type for ${list} member${which}: expected ${word}`);
    }
    if (at.key !== undefined)
      return Serialization(`Unexpected value type for ${list}.${at.key}: expected ${word}`);
    return Serialization(`Unexpected value type for ${list}: expected ${word}`);
  }
  if (at.isKey)
    return {
      path,
      value: at.container,
      constraint: `Map keys must satisfy constraint: ${itemConstraints(shape)}`,
    };
  if (at.key !== undefined)
    return {
      path,
      value: at.container,
      constraint: `Map value must satisfy constraint: ${itemConstraints(shape)}`,
    };
  // A list item's length or enum failure is reported at the list, as AWS words it (EnableEnhancedMonitoring's
  // ShardLevelMetrics, Lambda's FunctionResponseTypes): "Value '[a, b]' at 'list' ... [Member must satisfy ...]".
  if (at.index !== undefined && (f.kind === 'length' || f.kind === 'enum'))
    return {
      path: awsPathOf(at.parent),
      value: at.container,
      constraint: `Member must satisfy constraint: ${itemConstraints(shape)}`,
    };
  let value = f.value;
  if (
    shape.type === 'list' &&
    shape.member.type === 'structure' &&
    shape.member.printed &&
    Array.isArray(value)
  )
    value = `[${value.map(() => (shape.member as { printed: string }).printed).join(', ')}]`;
  return { path, value, constraint: constraintText(f) };
}
