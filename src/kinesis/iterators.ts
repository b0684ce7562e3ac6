import { createHash } from 'node:crypto';
import { ExpiredIterator, InvalidArgument } from '../server/errors.js';

/** Iterators are valid for 5 minutes after they are issued (AWS). */
export const ITERATOR_TTL_MS = 300_000;

/** What an opaque shard iterator string carries. */
export interface IteratorState {
  stream: string;
  /** The stream's creation time: an iterator of a deleted and re-created stream is rejected. */
  salt: number;
  shardId: string;
  /** Next position to read. */
  position: number;
  issuedAt: number;
}

function checksum(body: string): string {
  return createHash('sha1').update(body).digest('base64url').slice(0, 10);
}

export function encodeIterator(s: IteratorState): string {
  const body = [s.stream, s.salt, s.shardId, s.position, s.issuedAt].join('|');
  return Buffer.from(`${body}|${checksum(body)}`).toString('base64');
}

/** Java's Date.toString() form, which AWS's ExpiredIteratorException message uses. */
function javaDate(ms: number): string {
  const d = new Date(ms);
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${days[d.getUTCDay()]} ${months[d.getUTCMonth()]} ${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} UTC ${d.getUTCFullYear()}`;
}

export function decodeIterator(iterator: string, now = Date.now()): IteratorState {
  const text = Buffer.from(iterator, 'base64').toString('utf8');
  const parts = text.split('|');
  if (parts.length !== 6 || checksum(parts.slice(0, 5).join('|')) !== parts[5]) {
    throw InvalidArgument('Invalid ShardIterator.');
  }
  const [stream, salt, shardId, position, issuedAt] = parts as [string, string, string, string, string];
  const state: IteratorState = {
    stream,
    salt: Number(salt),
    shardId,
    position: Number(position),
    issuedAt: Number(issuedAt),
  };
  if (now - state.issuedAt > ITERATOR_TTL_MS) {
    throw ExpiredIterator(
      `Iterator expired. The iterator was created at time ${javaDate(state.issuedAt)} while right now it is ${javaDate(now)} which is further in the future than the tolerated delay of ${ITERATOR_TTL_MS} milliseconds.`,
    );
  }
  return state;
}
