import type { ShardMeta } from './model.js';
import { parentsOf } from './reshard.js';

/**
 * The one owner of the sequence number layout. Sequence numbers are AWS's: the decimal form (56 digits) of a
 * 47-hex-digit number laid out as AWS lays out its "version 2" numbers (reverse-engineered from real AWS
 * answers by kinesalite's author, mhart/kinesalite db/index.js, and checked by its recorded tests):
 *
 *   hex digit  0      1-9               10             11-26           27-28  29-37          38-45        46
 *              '2'    shard created,    shard index,   sequence index  '00'   put time,      shard index  '2'
 *                     epoch seconds     low nibble     (first <= 7)           epoch seconds               version
 *
 * Our sequence index is `salt << 40 | position + 1`: the salt is the stream's creation time in ms modulo 2^23,
 * so a stream deleted and created again (even within the same second: creation times differ by at least 1 ms,
 * stream-registry.ts) never issues a number of its previous incarnation, and a number of that incarnation is
 * refused as "did not come from this stream". The +1 leaves room for position -1, "before the first record":
 * a shard's StartingSequenceNumber sorts below every record of the shard, so AFTER_SEQUENCE_NUMBER on it
 * still returns the first record. Within a shard everything above the put time is constant or the index, so
 * numeric order is record order; the leading '2' keeps every number at 56 digits, so string order is too.
 */
export const SEQUENCE_DIGITS = 56;

/** AWS's pattern for a sequence number field, as its messages print it (the validator anchors patterns). */
export const SEQUENCE_NUMBER_PATTERN = /0|([1-9]\d{0,128})/;

/** How far before CreateStream an initial shard's creation time lies (see ShardSequence.of). */
const INITIAL_SHARD_BACKDATE_MS = 4000;
const POSITION_BITS = 40n;
/** Positions below this fit the index (10^12 records per shard: 30 years at 1000 records a second). */
const MAX_INDEX = 1n << POSITION_BITS;
const SALT_MODULUS = 1 << 23;

// Bit offsets of the fields (4 bits per hex digit, counted from the right).
const AT_INDEX = 80n; // digits 11-26
const AT_PUT_TIME = 36n; // digits 29-37
const AT_SHARD = 4n; // digits 38-45
const AT_SHARD_NIBBLE = 144n; // digit 10
const AT_CREATED = 148n; // digits 1-9
const VERSION_2 = (2n << 184n) | 2n;

/** Above this AWS answers "is invalid." for a creation time (kinesalite's recorded limit, year 2477). */
const MAX_CREATE_SECONDS = 16025175000;
const LOW_124 = (1n << 124n) - 1n;
const V0_LIMIT = 1n << 129n;
const V12_MIN = 1n << 185n;
const V12_LIMIT = 3n << 184n;

/** The stream generation's salt: its creation time (ms) modulo 2^23. */
export function sequenceSalt(streamCreatedAt: number): number {
  return streamCreatedAt % SALT_MODULUS;
}

/**
 * A shard's sequence numbers: the parts that only depend on the shard are computed once, and the put-time part
 * once per put time (every record of a block shares its put's), since every record put or read formats one.
 */
export class ShardSequence {
  readonly shardIndex: number;
  readonly createSeconds: number;
  readonly salt: number;
  readonly #base: bigint;
  #seconds = -1;
  #withTime = 0n;

  constructor(shardIndex: number, shardCreatedAt: number, streamCreatedAt: number) {
    this.shardIndex = shardIndex;
    this.createSeconds = Math.floor(shardCreatedAt / 1000);
    this.salt = sequenceSalt(streamCreatedAt);
    const index = BigInt(shardIndex);
    this.#base =
      VERSION_2 |
      (BigInt(this.createSeconds) << AT_CREATED) |
      ((index & 15n) << AT_SHARD_NIBBLE) |
      (BigInt(this.salt) << (AT_INDEX + POSITION_BITS)) |
      (index << AT_SHARD);
  }

  /**
   * The shard of a stream, as its metadata says. A stream's initial shards (no parent) carry a creation time
   * a few seconds before the CreateStream call, as AWS's do (2 to 7 seconds before it in kinesalite's
   * CreateStream test, recorded against AWS); a child shard carries its own.
   */
  static of(streamCreatedAt: number, shard: ShardMeta): ShardSequence {
    const initial = parentsOf(shard).length === 0;
    return new ShardSequence(
      shard.index,
      shard.createdAt - (initial ? INITIAL_SHARD_BACKDATE_MS : 0),
      streamCreatedAt,
    );
  }

  /** The sequence number of `position` (>= -1; -1 is before the first record), put at `putTimeMs`. */
  format(position: number, putTimeMs: number): string {
    const seconds = Math.floor(putTimeMs / 1000);
    if (seconds !== this.#seconds) {
      this.#seconds = seconds;
      this.#withTime = this.#base | (BigInt(seconds) << AT_PUT_TIME);
    }
    const index = BigInt(position + 1);
    if (index < 0n || index >= MAX_INDEX)
      throw new RangeError(`position ${position} outside the sequence index`);
    return (this.#withTime | (index << AT_INDEX)).toString();
  }

  /** The StartingSequenceNumber of a shard: before its first position, stamped with its creation time. */
  starting(startPosition: number): string {
    return this.format(startPosition - 1, this.createSeconds * 1000);
  }

  /**
   * Where a StartingSequenceNumber (GetShardIterator, SubscribeToShard, a Lambda replay range) points in this
   * shard: a position, or why it does not (AWS's order of checks: unreadable, another shard, another stream).
   */
  locate(seq: string): Located {
    const p = parseSequenceNumber(seq);
    // AWS reads a creation time past its limit as unreadable here (PutRecord's ordering check does not).
    if (p.kind === 'invalid' || p.kind === 'unknown-version' || p.createSeconds >= MAX_CREATE_SECONDS) {
      return { kind: 'invalid', shown: p.kind === 'invalid' || p.kind === 'unknown-version' ? seq : p.shown };
    }
    if (p.shardIndex !== this.shardIndex) return { kind: 'other-shard', shardIndex: p.shardIndex };
    if (
      p.kind !== 'v2' ||
      p.byte1 !== 0 ||
      p.createSeconds !== this.createSeconds ||
      p.index >> POSITION_BITS !== BigInt(this.salt)
    ) {
      return { kind: 'other-stream', shown: p.shown };
    }
    return { kind: 'position', position: Number(p.index & (MAX_INDEX - 1n)) - 1 };
  }
}

export type Located =
  | { kind: 'position'; position: number }
  /** Not a number AWS can read; `shown` is how its message prints it. */
  | { kind: 'invalid'; shown: string }
  | { kind: 'other-shard'; shardIndex: number }
  /** Readable, of this shard's index, but not issued by this shard of this stream generation. */
  | { kind: 'other-stream'; shown: string };

export type ParsedSequenceNumber =
  | { kind: 'invalid' }
  | {
      kind: 'v0' | 'v1' | 'v2';
      /** How AWS prints the number in its messages (a version 0 number is shown with its 2^124 bit set). */
      shown: string;
      shardIndex: number;
      createSeconds: number;
      /** Version 2: the sequence index; 0 otherwise. */
      index: bigint;
      byte1: number;
      /** Versions 1 and 2: the put time in epoch seconds. */
      putSeconds: number | undefined;
    }
  /** Versions 3 and up of the 47-digit form (AWS answers version 3 with an InternalFailure in PutRecord). */
  | { kind: 'unknown-version'; version: number };

/**
 * Reads a decimal sequence number as AWS does (kinesalite's parseSequence records the three layouts): below
 * 2^129 the old 32-hex-digit "version 0" form (AWS reads it modulo 2^124 with that bit set), between 2^185 and
 * 1.5 * 2^185 the 47-digit form whose last digit is the version (1 or 2).
 */
export function parseSequenceNumber(seq: string): ParsedSequenceNumber {
  if (!/^\d{1,130}$/.test(seq)) return { kind: 'invalid' };
  const n = BigInt(seq);
  if (n < V0_LIMIT) {
    const v = (n & LOW_124) | (1n << 124n);
    const createSeconds = Number((v >> 88n) & 0xfffffffffn);
    if (createSeconds >= MAX_CREATE_SECONDS) return { kind: 'invalid' };
    return {
      kind: 'v0',
      shown: v.toString(),
      shardIndex: Number(v & 0xffffn),
      createSeconds,
      index: 0n,
      byte1: Number((v >> 80n) & 0xffn),
      putSeconds: undefined,
    };
  }
  if (n <= V12_MIN || n >= V12_LIMIT) return { kind: 'invalid' };
  const version = Number(n & 15n);
  const shard = (n >> AT_SHARD) & 0xffffffffn;
  if (version === 2) {
    const index = (n >> AT_INDEX) & 0xffffffffffffffffn;
    const createSeconds = Number((n >> AT_CREATED) & 0xfffffffffn);
    // A first index digit or shard digit above 7 (a negative 64- or 32-bit value) is refused as unreadable.
    if (index >> 63n !== 0n || shard >> 31n !== 0n) return { kind: 'invalid' };
    return {
      kind: 'v2',
      shown: seq,
      shardIndex: Number(shard),
      createSeconds,
      index,
      byte1: Number((n >> 72n) & 0xffn),
      putSeconds: Number((n >> AT_PUT_TIME) & 0xfffffffffn),
    };
  }
  if (version === 1) {
    // '2', created (9), shard nibble, byte1 (2), put time (9), random (14), index (2), shard (8), '1'.
    return {
      kind: 'v1',
      shown: seq,
      shardIndex: Number(shard),
      createSeconds: Number((n >> AT_CREATED) & 0xfffffffffn),
      index: 0n,
      byte1: Number((n >> 136n) & 0xffn),
      putSeconds: Number((n >> 100n) & 0xfffffffffn),
    };
  }
  return version === 0 ? { kind: 'invalid' } : { kind: 'unknown-version', version };
}

/**
 * What PutRecord makes of a SequenceNumberForOrdering (kinesalite's PutRecord tests, recorded against AWS):
 * a version 1 or 2 number whose put time is not in the future is accepted, a version 3 one fails inside AWS
 * (InternalFailure), anything else is invalid. Our numbers always increase within a shard, so an accepted one
 * asks for nothing more.
 */
export function orderingCheck(seq: string, nowMs: number): 'ok' | 'invalid' | 'internal-failure' {
  const p = parseSequenceNumber(seq);
  if (p.kind === 'unknown-version') return p.version === 3 ? 'internal-failure' : 'invalid';
  if (p.kind !== 'v1' && p.kind !== 'v2') return 'invalid';
  return (p.putSeconds ?? 0) * 1000 > nowMs ? 'invalid' : 'ok';
}
