import { parameterValueInvalid } from './errors.js';
import type { SnsMessageAttributes } from './model.js';

const NAME = /^[A-Za-z0-9_.-]{1,256}$/;
const TYPES = ['String', 'String.Array', 'Number', 'Binary'] as const;

/** A message attribute as Publish gives it, before it is checked. */
export interface RawMessageAttribute {
  DataType?: string;
  StringValue?: string;
  BinaryValue?: string;
}

/** Validates message attributes the way SNS does (ParameterValueInvalid). */
export function checkAttributes(
  raw: Readonly<Record<string, RawMessageAttribute>>,
): SnsMessageAttributes | undefined {
  const names = Object.keys(raw);
  if (names.length === 0) return undefined;
  const out: SnsMessageAttributes = {};
  for (const name of names) {
    const a = raw[name]!;
    if (
      !NAME.test(name) ||
      /^(aws\.|amazon\.)/i.test(name) ||
      name.startsWith('.') ||
      name.endsWith('.') ||
      name.includes('..')
    ) {
      throw parameterValueInvalid(`The message attribute name '${name}' is invalid.`);
    }
    const type = a.DataType;
    if (type === undefined || type === '') {
      throw parameterValueInvalid(
        `The message attribute '${name}' must contain non-empty message attribute type.`,
      );
    }
    if (!(TYPES as readonly string[]).includes(type)) {
      throw parameterValueInvalid(
        `The message attribute '${name}' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String.`,
      );
    }
    if (type === 'Binary') {
      if (!a.BinaryValue) {
        throw parameterValueInvalid(
          `The message attribute '${name}' must contain non-empty message attribute value for message attribute type 'Binary'.`,
        );
      }
      out[name] = { DataType: type, BinaryValue: a.BinaryValue };
      continue;
    }
    const s = a.StringValue;
    if (s === undefined || s === '') {
      throw parameterValueInvalid(
        `The message attribute '${name}' must contain non-empty message attribute value for message attribute type '${type}'.`,
      );
    }
    if (type === 'Number' && !/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) {
      throw parameterValueInvalid(
        `An invalid or out-of-range value '${s}' was supplied for the message attribute '${name}'.`,
      );
    }
    if (type === 'String.Array' && !isJsonArray(s)) {
      throw parameterValueInvalid(
        `The message attribute '${name}' with type 'String.Array' must be a JSON array.`,
      );
    }
    out[name] = { DataType: type, StringValue: s };
  }
  return out;
}

function isJsonArray(s: string): boolean {
  try {
    return Array.isArray(JSON.parse(s));
  } catch {
    return false;
  }
}
