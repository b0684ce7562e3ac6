import { createHash } from 'node:crypto';
import type { MessageAttributes } from './model.js';

export function md5Hex(s: string): string {
  return createHash('md5').update(s, 'utf8').digest('hex');
}

/**
 * MD5OfMessageAttributes as AWS computes it: attributes sorted by name; for each, the length-prefixed
 * (4-byte big-endian) name and data type, a transport byte (1 string, 2 binary), then the
 * length-prefixed value.
 */
export function md5OfAttributes(attrs: MessageAttributes): string {
  const h = createHash('md5');
  const put = (b: Buffer): void => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(b.length);
    h.update(len);
    h.update(b);
  };
  for (const name of Object.keys(attrs).sort()) {
    const a = attrs[name]!;
    put(Buffer.from(name, 'utf8'));
    put(Buffer.from(a.DataType, 'utf8'));
    if (a.BinaryValue !== undefined) {
      h.update(Buffer.from([2]));
      put(Buffer.from(a.BinaryValue, 'base64'));
    } else {
      h.update(Buffer.from([1]));
      put(Buffer.from(a.StringValue ?? '', 'utf8'));
    }
  }
  return h.digest('hex');
}
