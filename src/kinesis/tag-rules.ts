import { InvalidArgument } from '../server/errors.js';
import { list, map, string } from '../server/shapes.js';

/** What Kinesis tags: streams and (TagResource, RegisterStreamConsumer) stream consumers. */
export type TaggedKind = 'stream' | 'consumer';

/** A stream holds at most 50 tags (AddTagsToStream, CreateStream). */
export const MAX_TAGS_PER_STREAM = 50;
/** One TagMap in a request: at most 200 entries (the service model's TagMap). */
const MAX_TAG_MAP_ENTRIES = 200;
/** Unicode letters, digits, white space and `_ . / = + - % @ :` (AWS's tag alphabet). */
const TAG_CHARS = /^[\p{L}\p{N}\p{Zs}_./=+\-%@:]*$/u;

/** Tags of CreateStream / AddTagsToStream: 1-200 entries, keys of 1-128 and values of 0-256 characters (a null value is no tag). */
export const TAG_MAP = map(string({ min: 0, max: 256 }), {
  key: string({ min: 1, max: 128 }),
  min: 1,
  max: MAX_TAG_MAP_ENTRIES,
  dropNullValues: true,
});

/** TagKeys of RemoveTagsFromStream: 1-50 keys of 1-128 characters. */
export const TAG_KEY_LIST = list(string({ min: 1, max: 128 }), { min: 1, max: MAX_TAGS_PER_STREAM });

/**
 * AWS checks the characters after the shape: anything outside its alphabet is one error, and `%` (inside
 * the alphabet of the first message, yet refused) is another. The two operations word them differently:
 * RemoveTagsFromStream names `:` among the characters, AddTagsToStream (and CreateStream) does not, though it
 * accepts `:` (recorded in kinesalite's AddTagsToStream and RemoveTagsFromStream tests).
 */
export function checkTagCharacters(
  strings: string[],
  verb: 'add tags to' | 'remove tags from',
  stream: string,
  account: string,
  kind: TaggedKind = 'stream',
): void {
  const colon = verb === 'remove tags from';
  if (strings.some((s) => !TAG_CHARS.test(s))) {
    throw InvalidArgument(
      `Some tags contain invalid characters. Valid characters: Unicode letters, digits, white space, _ . / = + - % @${colon ? ' :' : ''}.`,
    );
  }
  if (strings.some((s) => s.includes('%'))) {
    throw InvalidArgument(
      `Failed to ${verb} ${kind} ${stream} under account ${account} because some tags contained illegal characters. The allowed characters are Unicode letters, white-spaces, '_',',','/','=','+','-','@'${colon ? ",':'" : ''}.`,
    );
  }
}

/**
 * The 50-tags-per-stream rule (a consumer's too: "up to 50 tags per resource", TagResource's API reference),
 * checked against the tags the resource would end up with.
 */
export function checkTagCount(
  count: number,
  stream: string,
  account: string,
  kind: TaggedKind = 'stream',
): void {
  if (count > MAX_TAGS_PER_STREAM) {
    throw InvalidArgument(
      `Failed to add tags to ${kind} ${stream} under account ${account} because a given ${kind} cannot have more than ${MAX_TAGS_PER_STREAM} tags associated with it.`,
    );
  }
}
