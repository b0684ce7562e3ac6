/**
 * Sequence numbers are 56-digit decimal strings like AWS's: `49` + shard index (6 digits) + a per-stream
 * salt (16 digits, the stream's creation time, so a re-created stream never reuses numbers) + the
 * record's position in its shard plus one (32 digits). Fixed width makes string order equal numeric order.
 *
 * The +1 leaves room for position -1, "before the first record": a shard's StartingSequenceNumber, which
 * (as on AWS) sorts below every record, so AFTER_SEQUENCE_NUMBER on it still returns the first record.
 */
const SEQ_LENGTH = 56;

/** `position` >= -1; -1 names the point before the shard's first record. */
export function formatSequenceNumber(shardIndex: number, salt: number, position: number): string {
  return sequenceNumberAt(sequencePrefix(shardIndex, salt), position);
}

/** The sequence number of `position` in the shard whose 24-digit prefix is `prefix`. */
export function sequenceNumberAt(prefix: string, position: number): string {
  const digits = String(position + 1);
  // Slicing a constant run of zeros allocates less than padStart (measured ~25% faster per record).
  return prefix + ZEROS.slice(digits.length) + digits;
}

const ZEROS = '0'.repeat(32);

/** The first 24 digits only depend on the shard: cached, since every record put or read formats one. */
const prefixes = new Map<number, string[]>();
export function sequencePrefix(shardIndex: number, salt: number): string {
  let bySalt = prefixes.get(salt);
  if (!bySalt) {
    // Bounded: one entry per stream (re)creation seen by this process is plenty; start over past that.
    if (prefixes.size >= 1024) prefixes.clear();
    prefixes.set(salt, (bySalt = []));
  }
  return (bySalt[shardIndex] ??= '49' + String(shardIndex).padStart(6, '0') + String(salt).padStart(16, '0'));
}

export interface ParsedSequenceNumber {
  shardIndex: number;
  salt: number;
  /** -1 for a shard's StartingSequenceNumber. */
  position: number;
}

/** Returns undefined for a string that is not one of our sequence numbers. */
export function parseSequenceNumber(seq: string): ParsedSequenceNumber | undefined {
  if (seq.length !== SEQ_LENGTH || !/^49\d+$/.test(seq)) return undefined;
  const encoded = Number(seq.slice(24));
  if (!Number.isSafeInteger(encoded)) return undefined;
  return { shardIndex: Number(seq.slice(2, 8)), salt: Number(seq.slice(8, 24)), position: encoded - 1 };
}

/** AWS's pattern for a sequence number field, as its messages print it (the validator anchors patterns). */
export const SEQUENCE_NUMBER_PATTERN = /0|([1-9]\d{0,128})/;
