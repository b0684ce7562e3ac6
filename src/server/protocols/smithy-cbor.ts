import { isUtf8 } from 'node:buffer';

/**
 * CBOR as the Smithy RPC v2 protocol uses it (RFC 8949 subset): timestamps are tag 1 around epoch
 * *seconds* (integer or float), which is what the spec and every SDK mean. AWS's older CBOR protocol
 * (Kinesis, `application/x-amz-cbor-1.1`) puts milliseconds in tag 1 instead, and rpc.ts teaches
 * cbor-x that meaning process-wide, so this protocol has its own small codec rather than sharing cbor-x.
 */

export class CborDecodeError extends Error {}
/** A text string whose bytes are not UTF-8 (refused, never read with U+FFFD in place of the bad bytes). */
export class CborTextError extends CborDecodeError {}

/** Decodes one CBOR data item. Definite and indefinite lengths; tags other than 1 yield their content. */
export function decodeCbor(bytes: Uint8Array): unknown {
  const r = new Reader(bytes);
  const value = r.item();
  if (r.pos !== bytes.length) throw new CborDecodeError('trailing bytes after the CBOR data item');
  return value;
}

const BREAK = Symbol('break');

class Reader {
  pos = 0;
  readonly #b: Uint8Array;
  readonly #view: DataView;
  #depth = 0;

  constructor(b: Uint8Array) {
    this.#b = b;
    this.#view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  }

  #need(n: number): void {
    if (this.pos + n > this.#b.length) throw new CborDecodeError('unexpected end of CBOR data');
  }

  #byte(): number {
    this.#need(1);
    return this.#b[this.pos++]!;
  }

  /** The argument of an initial byte: the value, a length or a tag number. */
  #arg(info: number): number {
    if (info < 24) return info;
    switch (info) {
      case 24:
        return this.#byte();
      case 25:
        this.#need(2);
        this.pos += 2;
        return this.#view.getUint16(this.pos - 2);
      case 26:
        this.#need(4);
        this.pos += 4;
        return this.#view.getUint32(this.pos - 4);
      case 27: {
        this.#need(8);
        this.pos += 8;
        const big = this.#view.getBigUint64(this.pos - 8);
        if (big > BigInt(Number.MAX_SAFE_INTEGER)) throw new CborDecodeError('integer too large');
        return Number(big);
      }
      default:
        throw new CborDecodeError(`invalid additional information ${info}`);
    }
  }

  #bytes(n: number): Uint8Array {
    this.#need(n);
    const out = this.#b.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** A byte or text string, joining the chunks of an indefinite one. */
  #string(major: number, info: number): Uint8Array {
    if (info !== 31) return this.#bytes(this.#arg(info));
    const chunks: Uint8Array[] = [];
    for (;;) {
      const ib = this.#byte();
      if (ib === 0xff) break;
      if (ib >> 5 !== major || (ib & 31) === 31)
        throw new CborDecodeError('invalid chunk in indefinite-length string');
      chunks.push(this.#bytes(this.#arg(ib & 31)));
    }
    return Buffer.concat(chunks);
  }

  item(): unknown {
    const v = this.#itemOrBreak();
    if (v === BREAK) throw new CborDecodeError('unexpected break');
    return v;
  }

  #itemOrBreak(): unknown {
    const ib = this.#byte();
    const major = ib >> 5;
    const info = ib & 31;
    switch (major) {
      case 0:
        return this.#arg(info);
      case 1:
        return -1 - this.#arg(info);
      case 2:
        return Buffer.from(this.#string(2, info));
      case 3: {
        const text = Buffer.from(this.#string(3, info));
        if (!isUtf8(text)) throw new CborTextError('a text string is not valid UTF-8');
        return text.toString('utf8');
      }
      case 4: {
        this.#enter();
        const out: unknown[] = [];
        if (info === 31) {
          for (let v = this.#itemOrBreak(); v !== BREAK; v = this.#itemOrBreak()) out.push(v);
        } else {
          const n = this.#arg(info);
          for (let i = 0; i < n; i++) out.push(this.item());
        }
        this.#depth--;
        return out;
      }
      case 5: {
        this.#enter();
        const out: Record<string, unknown> = {};
        const put = (k: unknown): void => {
          if (typeof k !== 'string') throw new CborDecodeError('map keys must be text strings');
          const v = this.item();
          // Smithy: a null member is the same as an absent one.
          if (v !== null && v !== undefined)
            Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
        };
        if (info === 31) {
          for (let k = this.#itemOrBreak(); k !== BREAK; k = this.#itemOrBreak()) put(k);
        } else {
          const n = this.#arg(info);
          for (let i = 0; i < n; i++) put(this.item());
        }
        this.#depth--;
        return out;
      }
      case 6: {
        const tag = this.#arg(info);
        const content = this.item();
        if (tag === 1) {
          if (typeof content !== 'number') throw new CborDecodeError('tag 1 must wrap a number');
          return new Date(Math.round(content * 1000));
        }
        return content;
      }
      default:
        return this.#simple(info);
    }
  }

  #enter(): void {
    if (++this.#depth > 64) throw new CborDecodeError('CBOR nesting too deep');
  }

  #simple(info: number): unknown {
    switch (info) {
      case 20:
        return false;
      case 21:
        return true;
      case 22:
      case 23:
        return null;
      case 25: {
        this.#need(2);
        this.pos += 2;
        return halfToNumber(this.#view.getUint16(this.pos - 2));
      }
      case 26:
        this.#need(4);
        this.pos += 4;
        return this.#view.getFloat32(this.pos - 4);
      case 27:
        this.#need(8);
        this.pos += 8;
        return this.#view.getFloat64(this.pos - 8);
      case 31:
        return BREAK;
      default:
        throw new CborDecodeError(`unsupported simple value ${info}`);
    }
  }
}

function halfToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 31) return frac === 0 ? sign * Infinity : NaN;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}

/**
 * Encodes a value: objects as maps (undefined members left out), arrays, strings, integers, other numbers as
 * float64, booleans, null, Uint8Array as byte strings, and Dates as tag 1 around epoch seconds.
 */
export function encodeCbor(value: unknown): Buffer {
  const w = new Writer();
  w.item(value);
  return w.finish();
}

class Writer {
  #buf = Buffer.allocUnsafe(256);
  #pos = 0;

  #ensure(n: number): void {
    if (this.#pos + n <= this.#buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.#buf.length * 2, this.#pos + n));
    this.#buf.copy(next, 0, 0, this.#pos);
    this.#buf = next;
  }

  #head(major: number, n: number): void {
    this.#ensure(9);
    const m = major << 5;
    if (n < 24) this.#buf[this.#pos++] = m | n;
    else if (n < 0x100) {
      this.#buf[this.#pos++] = m | 24;
      this.#buf[this.#pos++] = n;
    } else if (n < 0x10000) {
      this.#buf[this.#pos++] = m | 25;
      this.#buf.writeUInt16BE(n, this.#pos);
      this.#pos += 2;
    } else if (n < 0x100000000) {
      this.#buf[this.#pos++] = m | 26;
      this.#buf.writeUInt32BE(n, this.#pos);
      this.#pos += 4;
    } else {
      this.#buf[this.#pos++] = m | 27;
      this.#buf.writeBigUInt64BE(BigInt(n), this.#pos);
      this.#pos += 8;
    }
  }

  #raw(bytes: Uint8Array): void {
    this.#ensure(bytes.length);
    this.#buf.set(bytes, this.#pos);
    this.#pos += bytes.length;
  }

  #number(n: number): void {
    if (Number.isSafeInteger(n)) {
      if (n >= 0) this.#head(0, n);
      else this.#head(1, -1 - n);
      return;
    }
    this.#ensure(9);
    this.#buf[this.#pos++] = 0xfb;
    this.#buf.writeDoubleBE(n, this.#pos);
    this.#pos += 8;
  }

  item(v: unknown): void {
    if (v === null || v === undefined) {
      this.#ensure(1);
      this.#buf[this.#pos++] = 0xf6;
    } else if (typeof v === 'boolean') {
      this.#ensure(1);
      this.#buf[this.#pos++] = v ? 0xf5 : 0xf4;
    } else if (typeof v === 'number') this.#number(v);
    else if (typeof v === 'bigint') this.#number(Number(v));
    else if (typeof v === 'string') {
      const b = Buffer.from(v, 'utf8');
      this.#head(3, b.length);
      this.#raw(b);
    } else if (v instanceof Uint8Array) {
      this.#head(2, v.length);
      this.#raw(v);
    } else if (v instanceof Date) {
      this.#head(6, 1);
      // Whole seconds go out as an integer, others as a float64, as the SDKs write them.
      this.#number(v.getTime() / 1000);
    } else if (Array.isArray(v)) {
      this.#head(4, v.length);
      for (const x of v) this.item(x);
    } else if (typeof v === 'object') {
      const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
      this.#head(5, entries.length);
      for (const [k, x] of entries) {
        this.item(k);
        this.item(x);
      }
    } else throw new TypeError(`cannot encode ${typeof v} as CBOR`);
  }

  finish(): Buffer {
    return this.#buf.subarray(0, this.#pos);
  }
}
