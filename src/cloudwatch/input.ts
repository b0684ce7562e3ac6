import { Serialization, validationError, type ValidationIssue } from '../server/errors.js';
import type { Dimension } from './dimensions.js';
import { MissingParameter, ValidationError } from './errors.js';

/**
 * Reads CloudWatch operation inputs, whichever protocol decoded them: JSON (timestamps as epoch
 * seconds), CBOR (Dates) or the query protocol (Dates, via the shapes in protocols/shapes.ts).
 * A missing required member is `MissingParameter`; model constraints (lengths, enums) are collected
 * and thrown together as `ValidationError`, as CloudWatch reports them.
 */
export class CloudWatchInput {
  readonly #input: Record<string, unknown>;
  readonly #issues: ValidationIssue[] = [];

  constructor(input: Record<string, unknown>) {
    this.#input = input;
  }

  static of(value: unknown, member: string): CloudWatchInput {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw Serialization(`Unexpected value type for ${member}: expected structure`);
    }
    return new CloudWatchInput(value as Record<string, unknown>);
  }

  #missing(path: string): never {
    throw MissingParameter(`The parameter ${path} is required.`);
  }

  raw(member: string): unknown {
    const v = this.#input[member];
    return v === null ? undefined : v;
  }

  string(
    member: string,
    rules: { required?: boolean; min?: number; max?: number; path?: string; enum?: readonly string[] } = {},
  ): string | undefined {
    const v = this.raw(member);
    const path = rules.path ?? member;
    if (v === undefined) {
      if (rules.required) this.#missing(path);
      return undefined;
    }
    if (typeof v !== 'string') throw Serialization(`Unexpected value type for ${path}: expected string`);
    const len = [...v].length;
    if (rules.min !== undefined && len < rules.min)
      this.fail(path, v, `Member must have length greater than or equal to ${rules.min}`);
    if (rules.max !== undefined && len > rules.max)
      this.fail(path, v, `Member must have length less than or equal to ${rules.max}`);
    if (rules.enum && !rules.enum.includes(v))
      this.fail(path, v, `Member must satisfy enum value set: [${rules.enum.join(', ')}]`);
    return v;
  }

  integer(
    member: string,
    rules: { required?: boolean; min?: number; path?: string } = {},
  ): number | undefined {
    const v = this.raw(member);
    const path = rules.path ?? member;
    if (v === undefined) {
      if (rules.required) this.#missing(path);
      return undefined;
    }
    const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isInteger(n))
      throw Serialization(`Unexpected value type for ${path}: expected integer`);
    if (rules.min !== undefined && n < rules.min)
      this.fail(path, n, `Member must have value greater than or equal to ${rules.min}`);
    return n;
  }

  boolean(member: string): boolean | undefined {
    const v = this.raw(member);
    if (v === undefined) return undefined;
    if (typeof v === 'boolean') return v;
    if (v === 'true' || v === 'false') return v === 'true';
    throw Serialization(`Unexpected value type for ${member}: expected boolean`);
  }

  /** A timestamp, as epoch ms. */
  timestamp(member: string, rules: { required?: boolean; path?: string } = {}): number | undefined {
    const v = this.raw(member);
    const path = rules.path ?? member;
    if (v === undefined) {
      if (rules.required) this.#missing(path);
      return undefined;
    }
    const ms = toEpochMs(v);
    if (ms === undefined) throw Serialization(`Unexpected value type for ${path}: expected timestamp`);
    return ms;
  }

  list(member: string, rules: { max?: number; min?: number; path?: string } = {}): unknown[] | undefined {
    const v = this.raw(member);
    const path = rules.path ?? member;
    if (v === undefined) return undefined;
    if (!Array.isArray(v)) throw Serialization(`Unexpected value type for ${path}: expected list`);
    if (rules.max !== undefined && v.length > rules.max)
      this.fail(path, v, `Member must have length less than or equal to ${rules.max}`);
    if (rules.min !== undefined && v.length < rules.min)
      this.fail(path, v, `Member must have length greater than or equal to ${rules.min}`);
    return v;
  }

  /** A list of strings. */
  strings(member: string, rules: { max?: number; min?: number; path?: string } = {}): string[] | undefined {
    const list = this.list(member, rules);
    if (!list) return undefined;
    return list.map((x) => {
      if (typeof x !== 'string')
        throw Serialization(`Unexpected value type for ${member}: expected list of strings`);
      return x;
    });
  }

  /** `Dimensions`: a list of {Name, Value} (Value optional for ListMetrics' DimensionFilters). */
  dimensions(
    member: string,
    rules: { path?: string; valueRequired: boolean },
  ): Array<{ Name: string; Value?: string }> | undefined {
    const path = rules.path ?? member;
    const list = this.list(member, { max: rules.valueRequired ? 30 : 10, path });
    if (!list) return undefined;
    return list.map((raw, i) => {
      const item = CloudWatchInput.of(raw, `${path}.member.${i + 1}`);
      const name = item.string('Name', {
        required: true,
        min: 1,
        max: 255,
        path: `${path}.member.${i + 1}.Name`,
      })!;
      const value = item.string('Value', {
        required: rules.valueRequired,
        min: 1,
        max: 1024,
        path: `${path}.member.${i + 1}.Value`,
      });
      this.#issues.push(...item.#issues);
      return value === undefined ? { Name: name } : { Name: name, Value: value };
    });
  }

  /** Folds a nested input's issues into this one. */
  adopt(other: CloudWatchInput): void {
    this.#issues.push(...other.#issues);
  }

  fail(path: string, value: unknown, constraint: string): void {
    this.#issues.push({ path: lowerFirst(path), value, constraint });
  }

  check(): void {
    if (this.#issues.length === 0) return;
    const err = validationError(this.#issues);
    throw ValidationError(err.message);
  }
}

/** Full dimensions (Name and Value both set). */
export function fullDimensions(list: Array<{ Name: string; Value?: string }> | undefined): Dimension[] {
  return (list ?? []).map((d) => ({ Name: d.Name, Value: d.Value ?? '' }));
}

function lowerFirst(path: string): string {
  return path.charAt(0).toLowerCase() + path.slice(1);
}

/** Epoch seconds (number or numeric string), ISO 8601 text, or a Date, as epoch ms. */
export function toEpochMs(v: unknown): number | undefined {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? undefined : v.getTime();
  if (typeof v === 'number') return Number.isFinite(v) ? Math.round(v * 1000) : undefined;
  if (typeof v === 'string' && v.trim() !== '') {
    if (/^-?\d+(\.\d+)?$/.test(v.trim())) return Math.round(Number(v) * 1000);
    const ms = Date.parse(v);
    return Number.isNaN(ms) ? undefined : ms;
  }
  return undefined;
}
