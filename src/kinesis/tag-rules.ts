import { InvalidArgument, Serialization } from '../server/errors.js';
import type { Validator } from '../server/validator.js';

/** A stream holds at most 50 tags (AddTagsToStream, CreateStream). */
export const MAX_TAGS_PER_STREAM = 50;
/** One TagMap in a request: at most 200 entries (the service model's TagMap). */
const MAX_TAG_MAP_ENTRIES = 200;
const KEY_RULE =
  'Member must have length less than or equal to 128, Member must have length greater than or equal to 1';
const VALUE_RULE =
  'Member must have length less than or equal to 256, Member must have length greater than or equal to 0';
/** Unicode letters, digits, white space and `_ . / = + - % @ :` (AWS's tag alphabet). */
const TAG_CHARS = /^[\p{L}\p{N}\p{Zs}_./=+\-%@:]*$/u;

const length = (s: string): number => [...s].length;

/**
 * Validates a TagMap member (Tags of CreateStream / AddTagsToStream): entry count, key and value lengths,
 * like AWS's "Map keys must satisfy constraint: [...]". Returns the map when its shape was right.
 */
export function tagMap(v: Validator, member: string, required: boolean): Record<string, string> | undefined {
  const raw = v.map(member);
  const path = member.charAt(0).toLowerCase() + member.slice(1);
  if (raw === undefined) {
    if (required) v.fail(path, null, 'Member must not be null');
    return undefined;
  }
  const tags: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (value === null || value === undefined) continue;
    if (typeof value !== 'string')
      throw Serialization(`Unexpected value type for ${member}.${key}: expected string`);
    tags[key] = value;
  }
  const entries = Object.entries(tags);
  if (entries.length < 1) v.fail(path, tags, 'Member must have length greater than or equal to 1');
  if (entries.length > MAX_TAG_MAP_ENTRIES)
    v.fail(path, tags, `Member must have length less than or equal to ${MAX_TAG_MAP_ENTRIES}`);
  if (entries.some(([key]) => length(key) < 1 || length(key) > 128)) {
    v.fail(path, tags, `Map keys must satisfy constraint: [${KEY_RULE}]`);
  }
  if (entries.some(([, value]) => length(value) > 256)) {
    v.fail(path, tags, `Map value must satisfy constraint: [${VALUE_RULE}]`);
  }
  return tags;
}

/** Validates the TagKeys list of RemoveTagsFromStream (1-50 keys of 1-128 characters). */
export function tagKeyList(v: Validator, member: string): string[] | undefined {
  const raw = v.list(member);
  const path = member.charAt(0).toLowerCase() + member.slice(1);
  if (raw === undefined) {
    v.fail(path, null, 'Member must not be null');
    return undefined;
  }
  const keys: string[] = [];
  for (const key of raw) {
    if (typeof key !== 'string')
      throw Serialization(`Unexpected value type for ${member} member: expected string`);
    keys.push(key);
  }
  if (keys.length < 1) v.fail(path, keys, 'Member must have length greater than or equal to 1');
  if (keys.length > MAX_TAGS_PER_STREAM)
    v.fail(path, keys, `Member must have length less than or equal to ${MAX_TAGS_PER_STREAM}`);
  if (keys.some((k) => length(k) < 1 || length(k) > 128))
    v.fail(path, keys, `Member must satisfy constraint: [${KEY_RULE}]`);
  return keys;
}

/**
 * AWS checks the characters after the shape: anything outside its alphabet is one error, and `%` (inside
 * the alphabet of the first message, yet refused) is another.
 */
export function checkTagCharacters(
  strings: string[],
  verb: 'add tags to' | 'remove tags from',
  stream: string,
  account: string,
): void {
  if (strings.some((s) => !TAG_CHARS.test(s))) {
    throw InvalidArgument(
      'Some tags contain invalid characters. Valid characters: Unicode letters, digits, white space, _ . / = + - % @ :.',
    );
  }
  if (strings.some((s) => s.includes('%'))) {
    throw InvalidArgument(
      `Failed to ${verb} stream ${stream} under account ${account} because some tags contained illegal characters. The allowed characters are Unicode letters, white-spaces, '_',',','/','=','+','-','@',':'.`,
    );
  }
}

/** The 50-tags-per-stream rule, checked against the tags the stream would end up with. */
export function checkTagCount(count: number, stream: string, account: string): void {
  if (count > MAX_TAGS_PER_STREAM) {
    throw InvalidArgument(
      `Failed to add tags to stream ${stream} under account ${account} because a given stream cannot have more than ${MAX_TAGS_PER_STREAM} tags associated with it.`,
    );
  }
}
