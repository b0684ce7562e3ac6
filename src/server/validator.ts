import { AwsError, Serialization, type ValidationIssue } from './errors.js';
import { validationException } from './validation-dialects.js';

/**
 * Collects AWS-style validation issues for one request and throws them together, like AWS's
 * "2 validation errors detected: Value ... at 'x' failed to satisfy constraint: ...; ...".
 * Paths are the member names in lowerCamelCase, as AWS reports them.
 */
export class Validator {
  readonly issues: ValidationIssue[] = [];
  readonly #input: Record<string, unknown>;

  constructor(input: Record<string, unknown>) {
    this.#input = input;
  }

  #path(member: string): string {
    return member.charAt(0).toLowerCase() + member.slice(1);
  }

  #fail(member: string, value: unknown, constraint: string, path = this.#path(member)): void {
    this.issues.push({ value, path, constraint });
  }

  /** A string member. Returns it when present and of the right type (even if it broke a constraint). */
  string(
    member: string,
    rules: {
      required?: boolean;
      min?: number;
      max?: number;
      pattern?: RegExp;
      path?: string;
      value?: unknown;
    } = {},
  ): string | undefined {
    const value = 'value' in rules ? rules.value : this.#input[member];
    const path = rules.path ?? this.#path(member);
    if (value === undefined || value === null) {
      if (rules.required) this.#fail(member, null, 'Member must not be null', path);
      return undefined;
    }
    if (typeof value !== 'string')
      throw Serialization(`Unexpected value type for ${member}: expected string`);
    const len = [...value].length;
    if (rules.min !== undefined && len < rules.min) {
      this.#fail(member, value, `Member must have length greater than or equal to ${rules.min}`, path);
    }
    if (rules.max !== undefined && len > rules.max) {
      this.#fail(member, value, `Member must have length less than or equal to ${rules.max}`, path);
    }
    if (rules.pattern && !new RegExp(`^(?:${rules.pattern.source})$`).test(value)) {
      // RegExp#source escapes '/', which AWS's printed patterns do not.
      this.#fail(
        member,
        value,
        `Member must satisfy regular expression pattern: ${rules.pattern.source.replaceAll('\\/', '/')}`,
        path,
      );
    }
    return value;
  }

  /** An integer member. */
  integer(
    member: string,
    rules: { required?: boolean; min?: number; max?: number; path?: string; value?: unknown } = {},
  ): number | undefined {
    const value = 'value' in rules ? rules.value : this.#input[member];
    const path = rules.path ?? this.#path(member);
    if (value === undefined || value === null) {
      if (rules.required) this.#fail(member, null, 'Member must not be null', path);
      return undefined;
    }
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw Serialization(`Unexpected value type for ${member}: expected number`);
    }
    const n = Math.trunc(value);
    if (rules.min !== undefined && n < rules.min) {
      this.#fail(member, n, `Member must have value greater than or equal to ${rules.min}`, path);
    }
    if (rules.max !== undefined && n > rules.max) {
      this.#fail(member, n, `Member must have value less than or equal to ${rules.max}`, path);
    }
    return n;
  }

  /** An enum member. */
  enumeration<T extends string>(
    member: string,
    values: readonly T[],
    rules: { required?: boolean; path?: string; value?: unknown } = {},
  ): T | undefined {
    const value = 'value' in rules ? rules.value : this.#input[member];
    const path = rules.path ?? this.#path(member);
    if (value === undefined || value === null) {
      if (rules.required) this.#fail(member, null, 'Member must not be null', path);
      return undefined;
    }
    if (typeof value !== 'string' || !(values as readonly string[]).includes(value)) {
      this.#fail(member, value, `Member must satisfy enum value set: [${values.join(', ')}]`, path);
      return undefined;
    }
    return value as T;
  }

  boolean(member: string): boolean | undefined {
    const value = this.#input[member];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'boolean')
      throw Serialization(`Unexpected value type for ${member}: expected boolean`);
    return value;
  }

  /** A blob member: base64 in JSON, bytes in CBOR. */
  blob(
    member: string,
    rules: { required?: boolean; max?: number; path?: string; value?: unknown } = {},
  ): Buffer | undefined {
    const value = 'value' in rules ? rules.value : this.#input[member];
    const path = rules.path ?? this.#path(member);
    if (value === undefined || value === null) {
      if (rules.required) this.#fail(member, null, 'Member must not be null', path);
      return undefined;
    }
    let buf: Buffer;
    if (value instanceof Uint8Array) buf = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    else if (typeof value === 'string') {
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(value) || value.length % 4 === 1) {
        throw Serialization(`Base64 encoded data for ${member} is malformed.`);
      }
      buf = Buffer.from(value, 'base64');
    } else throw Serialization(`Unexpected value type for ${member}: expected blob`);
    if (rules.max !== undefined && buf.length > rules.max) {
      this.#fail(member, buf, `Member must have length less than or equal to ${rules.max}`, path);
    }
    return buf;
  }

  /** A timestamp member: epoch seconds (JSON) or a Date (CBOR tag 1). Returns epoch ms. */
  timestamp(member: string): number | undefined {
    const value = this.#input[member];
    if (value === undefined || value === null) return undefined;
    if (value instanceof Date) return value.getTime();
    if (typeof value === 'number' && Number.isFinite(value)) return Math.round(value * 1000);
    if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)))
      return Math.round(Number(value) * 1000);
    throw Serialization(`Unexpected value type for ${member}: expected timestamp`);
  }

  list(member: string): unknown[] | undefined {
    const value = this.#input[member];
    if (value === undefined || value === null) return undefined;
    if (!Array.isArray(value)) throw Serialization(`Unexpected value type for ${member}: expected list`);
    return value;
  }

  map(member: string): Record<string, unknown> | undefined {
    const value = this.#input[member];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'object' || Array.isArray(value))
      throw Serialization(`Unexpected value type for ${member}: expected structure`);
    return value as Record<string, unknown>;
  }

  /** Records a custom issue. */
  fail(path: string, value: unknown, constraint: string): void {
    this.issues.push({ value, path, constraint });
  }

  /** Throws the collected issues as one ValidationException. */
  check(): void {
    if (this.issues.length > 0) throw validationException(this.issues);
  }
}

export function isAwsError(e: unknown): e is AwsError {
  return e instanceof AwsError;
}
