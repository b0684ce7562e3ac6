import {
  echo,
  echoJson,
  Serialization,
  validationError,
  type AwsError,
  type ValidationIssue,
} from './errors.js';
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
    issues: (issues) => errors.validation(validationError(issues).message),
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
