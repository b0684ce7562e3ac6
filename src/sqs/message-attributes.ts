import { map, string, structure, unchecked } from '../server/shapes.js';
import { invalidParameter } from './errors.js';
import type { MessageAttributes } from './model.js';

const MAX_ATTRIBUTES = 10;
const NAME = /^[A-Za-z0-9_.-]{1,256}$/;
const TYPE = /^(String|Number|Binary)(\..+)?$/;

/**
 * Validates MessageAttributes (`kind` user) or MessageSystemAttributes (`kind` system) from a JSON-shaped
 * input. BinaryValue arrives base64 encoded in both protocols and stays so.
 */
export function checkMessageAttributes(
  raw: unknown,
  kind: 'user' | 'system' = 'user',
): MessageAttributes | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== 'object' || Array.isArray(raw))
    throw invalidParameter(`The message ${kind} attributes are malformed.`);
  const names = Object.keys(raw);
  if (names.length === 0) return undefined;
  if (names.length > MAX_ATTRIBUTES) {
    throw invalidParameter(
      `Number of message attributes [${names.length}] exceeds the allowed maximum [${MAX_ATTRIBUTES}].`,
    );
  }
  const out: MessageAttributes = {};
  for (const name of names) {
    const v = (raw as Record<string, unknown>)[name] as Record<string, unknown> | null;
    if (kind === 'system' && name !== 'AWSTraceHeader') {
      throw invalidParameter(`Message system attribute name '${name}' is invalid.`);
    }
    if (
      kind === 'user' &&
      (!NAME.test(name) ||
        /^(aws\.|amazon\.)/i.test(name) ||
        name.startsWith('.') ||
        name.endsWith('.') ||
        name.includes('..'))
    ) {
      throw invalidParameter(
        `Message (user) attribute name '${name}' is invalid. The attribute name can contain only alphanumeric characters, ` +
          `hyphens, underscores and periods, must not start with AWS. or Amazon., and must not start or end with a period ` +
          `or contain consecutive periods.`,
      );
    }
    if (typeof v !== 'object' || v === null)
      throw invalidParameter(`The message (${kind}) attribute '${name}' is malformed.`);
    const dataType = v.DataType;
    if (typeof dataType !== 'string' || dataType === '') {
      throw invalidParameter(
        `The message attribute '${name}' must contain non-empty message attribute type.`,
      );
    }
    const base = TYPE.exec(dataType)?.[1];
    if (!base) {
      throw invalidParameter(
        `The type of message (${kind}) attribute '${name}' is invalid. You must use only the following supported type prefixes: Binary, Number, String.`,
      );
    }
    if (base === 'Binary') {
      const b = v.BinaryValue;
      if (typeof b !== 'string' || b === '' || !/^[A-Za-z0-9+/]*={0,2}$/.test(b)) {
        throw invalidParameter(
          `Message (${kind}) attribute '${name}' must contain a non-empty value of type 'Binary'.`,
        );
      }
      out[name] = { DataType: dataType, BinaryValue: b };
    } else {
      const s = v.StringValue;
      if (typeof s !== 'string' || s === '') {
        throw invalidParameter(
          `Message (${kind}) attribute '${name}' must contain a non-empty value of type '${base}'.`,
        );
      }
      if (base === 'Number' && !/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) {
        throw invalidParameter(`Can't cast the value of message (${kind}) attribute '${name}' to a number.`);
      }
      out[name] = { DataType: dataType, StringValue: s };
    }
  }
  return out;
}

/** Bytes that count towards the message size limit (name, type and value of each attribute). */
export function attributesSize(attrs: MessageAttributes | undefined): number {
  let n = 0;
  for (const [name, a] of Object.entries(attrs ?? {})) {
    n += Buffer.byteLength(name) + Buffer.byteLength(a.DataType);
    n +=
      a.BinaryValue !== undefined
        ? Buffer.from(a.BinaryValue, 'base64').length
        : Buffer.byteLength(a.StringValue ?? '');
  }
  return n;
}

/**
 * The attributes a receiver asked for with MessageAttributeNames: `All` or `.*` for every one, `prefix.*`
 * for a prefix, otherwise exact names.
 */
export function selectAttributes(
  attrs: MessageAttributes | undefined,
  wanted: readonly string[],
): MessageAttributes | undefined {
  if (!attrs || wanted.length === 0) return undefined;
  const all = wanted.includes('All') || wanted.includes('.*');
  const out: MessageAttributes = {};
  for (const [name, a] of Object.entries(attrs)) {
    const hit = all || wanted.some((w) => (w.endsWith('.*') ? name.startsWith(w.slice(0, -1)) : w === name));
    if (hit) out[name] = a;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** A message attribute's value, as SQS's model lists its members (the order of its XML elements). */
export const ATTRIBUTE_VALUE = structure({
  StringValue: string(),
  BinaryValue: string(),
  DataType: string(),
});

/**
 * MessageAttributes or MessageSystemAttributes (`MessageAttribute.N.Name` / `.Value.DataType` in the query
 * protocol, `<MessageAttribute>` elements in XML). BinaryValue stays base64 text in every protocol. The
 * validator leaves them to `checkMessageAttributes`, which words their failures as SQS does.
 */
export const messageAttributes = (name: string) =>
  unchecked(map(ATTRIBUTE_VALUE, { flattened: true, name, keyName: 'Name', valueName: 'Value' }));
