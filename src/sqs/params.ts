import { echoJson } from '../server/errors.js';
import { invalidParameter, invalidValue, missingParameter } from './errors.js';

/**
 * Reading SQS inputs. Actions take the JSON protocol's input shape; query-protocol parameters are
 * converted to it first, so numbers may arrive as strings and are accepted in either form.
 */
export type Input = Record<string, unknown>;

export function optString(input: Input, name: string): string | undefined {
  const v = input[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string')
    throw invalidParameter(
      `Value ${echoJson(v)} for parameter ${name} is invalid. Reason: must be a string.`,
    );
  return v;
}

export function reqString(input: Input, name: string): string {
  const v = optString(input, name);
  if (v === undefined || v === '') throw missingParameter(name);
  return v;
}

/** An integer parameter within [min, max]; `reason` is AWS's wording for the range. */
export function optInt(
  input: Input,
  name: string,
  min: number,
  max: number,
  reason: string,
): number | undefined {
  const v = input[name];
  if (v === undefined || v === null || v === '') return undefined;
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^-?\d+$/.test(v.trim()) ? Number(v) : NaN;
  if (!Number.isInteger(n) || n < min || n > max)
    throw invalidValue(name, typeof v === 'string' ? v : echoJson(v), reason);
  return n;
}

export function optStringList(input: Input, name: string): string[] | undefined {
  const v = input[name];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) {
    throw invalidParameter(`Value for parameter ${name} is invalid. Reason: must be a list of strings.`);
  }
  return v as string[];
}

export function optStringMap(input: Input, name: string): Record<string, unknown> | undefined {
  const v = input[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v))
    throw invalidParameter(`Value for parameter ${name} is invalid. Reason: must be a map.`);
  return v as Record<string, unknown>;
}

/** The entries of a batch request (list of structures). */
export function batchEntries(input: Input, name: string): Input[] {
  const v = input[name];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'object' || x === null || Array.isArray(x))) {
    throw invalidParameter(`Value for parameter ${name} is invalid. Reason: must be a list of structures.`);
  }
  return v as Input[];
}
