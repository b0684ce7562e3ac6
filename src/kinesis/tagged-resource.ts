import { InvalidArgument } from '../server/errors.js';
import { string } from '../server/shapes.js';
import { parseConsumerArn } from './fan-out/consumer-arn.js';
import { streamOfArn, type KinesisContext } from './kinesis-context.js';
import type { StreamMeta } from './model.js';
import { checkTagCharacters, checkTagCount, type TaggedKind } from './tag-rules.js';

/** The ResourceARN of TagResource, UntagResource and ListTagsForResource: a stream's or a consumer's (the model's pattern). */
export const RESOURCE_ARN = string({
  min: 1,
  max: 2048,
  pattern: /arn:aws.*:kinesis:.*:\d{12}:.*stream\/\S+/,
});

/** A resource Kinesis tags, resolved from its ARN. */
export interface TaggedResource {
  kind: TaggedKind;
  /** The stream's name (a consumer's stream's). */
  stream: string;
  /** The name the tag messages name: the stream's or the consumer's. */
  name: string;
  tags(): Record<string, string>;
  /** Replaces the resource's tags (persisted with its stream). */
  setTags(tags: Record<string, string>): Promise<void>;
}

/**
 * The stream or consumer a ResourceARN names. A stream must be visible (not CREATING or DELETING), as for
 * AddTagsToStream; a consumer is found as DescribeStreamConsumer finds it. An ARN of another region or account
 * names nothing here (ResourceNotFoundException), as `streamOfArn` answers it.
 */
export function taggedResource(k: KinesisContext, arn: string): TaggedResource {
  const consumer = parseConsumerArn(arn);
  if (consumer !== undefined) {
    // The stream part is checked as a StreamARN is: region, account, existence.
    streamOfArn(k, arn.slice(0, arn.indexOf('/consumer/')));
    const ref = k.fanOut.consumers.byArn(arn);
    const find = (m: StreamMeta) => m.consumers.find((c) => c.consumerArn === ref.consumer.consumerArn);
    return {
      kind: 'consumer',
      stream: ref.stream,
      name: ref.consumer.consumerName,
      tags: () => ({ ...(find(k.streams.get(ref.stream))?.tags ?? {}) }),
      setTags: (tags) =>
        k.streams.update(ref.stream, (m) => {
          const c = find(m);
          if (c) c.tags = tags;
        }),
    };
  }
  if (k.streams.nameFromArn(arn) === undefined) throw InvalidArgument(`Invalid ResourceARN: ${arn}`);
  return taggedStream(k, streamOfArn(k, arn));
}

/** A stream as a tagged resource; it must be visible (ResourceNotFoundException while CREATING or DELETING). */
export function taggedStream(k: KinesisContext, stream: string): TaggedResource {
  k.streams.getVisible(stream);
  return {
    kind: 'stream',
    stream,
    name: stream,
    tags: () => ({ ...k.streams.get(stream).tags }),
    setTags: (tags) => k.streams.update(stream, (m) => (m.tags = tags)),
  };
}

/** AddTagsToStream's and TagResource's rules: AWS's alphabet, then at most 50 tags on the resource. */
export function checkTagsToAdd(k: KinesisContext, r: TaggedResource, tags: Record<string, string>): void {
  const account = k.streams.account;
  checkTagCharacters([...Object.keys(tags), ...Object.values(tags)], 'add tags to', r.name, account, r.kind);
  checkTagCount(new Set([...Object.keys(r.tags()), ...Object.keys(tags)]).size, r.name, account, r.kind);
}

/** AddTagsToStream and TagResource: adds or overwrites tags, within the rules. */
export async function addTags(
  k: KinesisContext,
  r: TaggedResource,
  tags: Record<string, string>,
): Promise<void> {
  checkTagsToAdd(k, r, tags);
  await r.setTags({ ...r.tags(), ...tags });
}

/** RemoveTagsFromStream and UntagResource: removes the given keys; keys the resource does not have are ignored. */
export async function removeTags(k: KinesisContext, r: TaggedResource, keys: string[]): Promise<void> {
  checkTagCharacters(keys, 'remove tags from', r.name, k.streams.account, r.kind);
  const tags = r.tags();
  for (const key of keys) delete tags[key];
  await r.setTags(tags);
}
