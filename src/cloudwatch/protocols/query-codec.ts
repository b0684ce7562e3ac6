import { Serialization } from '../../server/errors.js';
import { el, entries, type QueryParams, type XmlContent } from '../../server/protocols/query.js';
import type { Shape } from './shapes.js';

/**
 * Query protocol input: `Dimensions.member.1.Name=...` style parameters to a plain object, by shape.
 * Lists are `Name.member.N` (an empty list is sent as a bare `Name=`); timestamps are ISO 8601.
 */
export function decodeQuery(shape: Shape, params: QueryParams, prefix = ''): unknown {
  switch (shape.t) {
    case 'structure': {
      const out: Record<string, unknown> = {};
      for (const [name, member] of Object.entries(shape.members)) {
        const key = prefix === '' ? name : `${prefix}.${name}`;
        if (!params.present(key)) continue;
        const value = decodeQuery(member, params, key);
        if (value !== undefined) out[name] = value;
      }
      return out;
    }
    case 'list': {
      const itemsKey = `${prefix}.member`;
      if (shape.member.t === 'structure' || shape.member.t === 'list' || shape.member.t === 'map') {
        return params.items(itemsKey).map((item) => decodeQuery(shape.member, item, ''));
      }
      return params.values(itemsKey).map((v) => decodeScalar(shape.member, v, `${prefix}.member`));
    }
    case 'map': {
      const out: Record<string, unknown> = {};
      for (const item of params.items(`${prefix}.entry`)) {
        const k = item.get('key');
        const v = item.get('value');
        if (k !== undefined && v !== undefined) out[k] = decodeScalar(shape.value, v, `${prefix}.entry`);
      }
      return out;
    }
    default: {
      const v = params.get(prefix);
      return v === undefined ? undefined : decodeScalar(shape, v, prefix);
    }
  }
}

function decodeScalar(shape: Shape, v: string, path: string): unknown {
  switch (shape.t) {
    case 'integer': {
      if (!/^-?\d+$/.test(v)) throw Serialization(`Unable to parse ${path} as an integer: ${v}`);
      return Number(v);
    }
    case 'double': {
      const n = Number(v);
      if (v.trim() === '' || Number.isNaN(n))
        throw Serialization(`Unable to parse ${path} as a number: ${v}`);
      return n;
    }
    case 'boolean':
      if (v !== 'true' && v !== 'false') throw Serialization(`Unable to parse ${path} as a boolean: ${v}`);
      return v === 'true';
    case 'timestamp': {
      const ms = /^-?\d+(\.\d+)?$/.test(v) ? Number(v) * 1000 : Date.parse(v);
      if (Number.isNaN(ms)) throw Serialization(`Unable to parse ${path} as a timestamp: ${v}`);
      return new Date(ms);
    }
    default:
      return v;
  }
}

/** Query protocol output: a plain object to the children of `<ActionResult>`, by shape (member order kept). */
export function encodeXml(shape: Shape, value: unknown): XmlContent {
  if (value === undefined || value === null) return undefined;
  switch (shape.t) {
    case 'structure': {
      const obj = value as Record<string, unknown>;
      return Object.entries(shape.members)
        .filter(([name]) => obj[name] !== undefined && obj[name] !== null)
        .map(([name, member]) => el(name, encodeXml(member, obj[name])));
    }
    case 'list':
      return (value as unknown[]).map((item) => el('member', encodeXml(shape.member, item)));
    case 'map': {
      const rendered: Record<string, string> = {};
      for (const [k, v] of Object.entries(value as Record<string, unknown>))
        rendered[k] = String(encodeXml(shape.value, v));
      // `entries()` wraps in an element; the caller's element is that wrapper, so only its children are used.
      return entries('x', rendered).content;
    }
    case 'timestamp':
      // CloudWatch writes whole-second ISO 8601 UTC timestamps.
      return (value as Date).toISOString().replace(/\.\d{3}Z$/, 'Z');
    case 'double': {
      const n = value as number;
      return Number.isInteger(n) ? n.toFixed(1) : String(n);
    }
    default:
      return String(value);
  }
}
