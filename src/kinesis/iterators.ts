import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  randomBytes,
  timingSafeEqual,
  type Decipher,
} from 'node:crypto';
import { ExpiredIterator, InvalidArgument } from '../server/errors.js';
import type { Store } from '../store/store.js';

/** Iterators are valid for 5 minutes after they are issued (AWS). */
export const ITERATOR_TTL_MS = 300_000;

/** What an opaque shard iterator string carries. */
export interface IteratorState {
  stream: string;
  /** The stream's creation time: an iterator of a deleted and re-created stream reads the new one from its start. */
  salt: number;
  shardId: string;
  /** Next position to read. */
  position: number;
  issuedAt: number;
}

/*
 * The iterator's layout is AWS's, as kinesalite recorded it from AWS's answers: base64 of 8 bytes
 * [0,0,0,0,0,0,0,1] and an AES ciphertext, 152 + floor((StreamName.length + 2) / 16) * 16 bytes in all. With
 * AES-CBC's PKCS#7 padding a plaintext of 130 + n bytes (n: the stream name's length) encrypts to exactly
 * 144 + floor((n + 2) / 16) * 16 bytes, so ours is:
 *
 *   0   a nonce, 8 bytes        (a counter from a random start: the first block differs per iterator, so the
 *                                fixed IV leaks nothing; cheaper than 8 random bytes per GetRecords)
 *   8   issuedAt, float64 BE
 *   16  salt, float64 BE
 *   24  position, float64 BE
 *   32  shard id length, u8
 *   33  shard id, zero-padded to 64 bytes
 *   97  stream name, n bytes
 *   97+n  17 zero bytes
 *   114+n HMAC-SHA256 of the bytes before it, first 16 bytes
 *
 * The MAC makes any change to the ciphertext an invalid iterator rather than another stream's or position's.
 */
const HEADER = Buffer.from([0, 0, 0, 0, 0, 0, 0, 1]);
const SHARD_FIELD = 64;
const NAME_AT = 33 + SHARD_FIELD;
/** Plaintext bytes besides the stream name. */
const FIXED = 130;
const MAC_BYTES = 16;
const IV = Buffer.alloc(16);

/** The decoded length of an iterator of a stream whose name is `nameLength` bytes long (AWS's). */
export function iteratorLength(nameLength: number): number {
  return 152 + Math.floor((nameLength + 2) / 16) * 16;
}

const invalid = (): Error => InvalidArgument('Invalid ShardIterator.');

/** Java's Date.toString() form, which AWS's ExpiredIteratorException message uses. */
function javaDate(ms: number): string {
  const d = new Date(ms);
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${days[d.getUTCDay()]} ${months[d.getUTCMonth()]} ${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} UTC ${d.getUTCFullYear()}`;
}

/**
 * Encodes and decodes shard iterators under one secret: 32 bytes of AES-256 key and 32 of HMAC key.
 */
export class IteratorCodec {
  readonly #aesKey: Buffer;
  readonly #macKey: Buffer;
  /**
   * Decoding runs on every GetRecords call: one AES block decryption context kept for the codec's life (ECB, no
   * padding, fed whole blocks only, so it never holds a partial block between calls) decrypts all the blocks in
   * one call, and CBC's chaining is the XOR with the previous ciphertext block (a new CBC context per call costs
   * several times more).
   */
  readonly #blockDecipher: Decipher;
  #nonce = randomBytes(8).readBigUInt64BE();

  constructor(secret: Buffer) {
    if (secret.length !== 64) throw new Error(`an iterator secret is 64 bytes, not ${secret.length}`);
    this.#aesKey = secret.subarray(0, 32);
    this.#macKey = secret.subarray(32);
    this.#blockDecipher = createDecipheriv('aes-256-ecb', this.#aesKey, null).setAutoPadding(false);
  }

  #mac(bytes: Buffer): Buffer {
    return createHmac('sha256', this.#macKey).update(bytes).digest().subarray(0, MAC_BYTES);
  }

  encode(s: IteratorState): string {
    const n = Buffer.byteLength(s.stream);
    const shardBytes = Buffer.byteLength(s.shardId);
    if (shardBytes > SHARD_FIELD) throw new Error(`shard id ${s.shardId} does not fit an iterator`);
    const plain = Buffer.alloc(FIXED + n);
    this.#nonce = BigInt.asUintN(64, this.#nonce + 1n);
    plain.writeBigUInt64BE(this.#nonce, 0);
    plain.writeDoubleBE(s.issuedAt, 8);
    plain.writeDoubleBE(s.salt, 16);
    plain.writeDoubleBE(s.position, 24);
    plain.writeUInt8(shardBytes, 32);
    plain.write(s.shardId, 33);
    plain.write(s.stream, NAME_AT);
    const macAt = plain.length - MAC_BYTES;
    this.#mac(plain.subarray(0, macAt)).copy(plain, macAt);
    const cipher = createCipheriv('aes-256-cbc', this.#aesKey, IV);
    return Buffer.concat([HEADER, cipher.update(plain), cipher.final()]).toString('base64');
  }

  /** The iterator's state; InvalidArgument if it is not one of ours, ExpiredIterator if it is older than 5 minutes. */
  decode(iterator: string, now: number): IteratorState {
    const bytes = Buffer.from(iterator, 'base64');
    const cipherLength = bytes.length - HEADER.length;
    if (
      cipherLength < iteratorLength(1) - HEADER.length ||
      cipherLength % 16 !== 0 ||
      !bytes.subarray(0, 8).equals(HEADER)
    ) {
      throw invalid();
    }
    const blocks = bytes.subarray(HEADER.length);
    const padded = this.#blockDecipher.update(blocks);
    // CBC: each block is XORed with the previous ciphertext block (the first with the IV, zeros).
    for (let i = 16; i < padded.length; i++) padded[i]! ^= blocks[i - 16]!;
    // The padding is checked here, as an invalid iterator, rather than thrown by OpenSSL.
    const pad = padded[padded.length - 1] ?? 0;
    if (pad < 1 || pad > 16 || padded.subarray(padded.length - pad).some((b) => b !== pad)) throw invalid();
    const plain = padded.subarray(0, padded.length - pad);
    const n = plain.length - FIXED;
    const shardBytes = plain[32] ?? 0;
    if (n < 1 || shardBytes > SHARD_FIELD) throw invalid();
    const macAt = plain.length - MAC_BYTES;
    if (!timingSafeEqual(this.#mac(plain.subarray(0, macAt)), plain.subarray(macAt))) throw invalid();
    const state: IteratorState = {
      stream: plain.toString('utf8', NAME_AT, NAME_AT + n),
      salt: plain.readDoubleBE(16),
      shardId: plain.toString('utf8', 33, 33 + shardBytes),
      position: plain.readDoubleBE(24),
      issuedAt: plain.readDoubleBE(8),
    };
    if (now - state.issuedAt > ITERATOR_TTL_MS) {
      throw ExpiredIterator(
        `Iterator expired. The iterator was created at time ${javaDate(state.issuedAt)} while right now it is ${javaDate(now)} which is further in the future than the tolerated delay of ${ITERATOR_TTL_MS} milliseconds.`,
      );
    }
    return state;
  }
}

const KEY_NS = 'kinesis.secret';
const KEY_ID = 'iterator-key';

/**
 * The component's iterator codec, its secret kept in the store (the data dir is the server user's alone, as for
 * IAM's keys): iterators are valid for 5 minutes, and a consumer's GetRecords loop must not break on a restart
 * inside them. `save` stores a secret made now (a no-op once stored); the in-memory engine's dies with the process.
 */
export function iteratorCodecOf(store: Store): { codec: IteratorCodec; save: () => Promise<void> } {
  const stored = store.getDoc<{ secret: string }>(KEY_NS, KEY_ID);
  const secret = stored ? Buffer.from(stored.secret, 'base64') : randomBytes(64);
  let saved = stored !== undefined;
  return {
    codec: new IteratorCodec(secret),
    async save() {
      if (saved) return;
      await store.putDoc(KEY_NS, KEY_ID, { secret: secret.toString('base64') });
      saved = true;
    },
  };
}
