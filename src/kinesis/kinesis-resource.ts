import { InvalidArgument } from '../server/errors.js';
import { string } from '../server/shapes.js';
import { parseConsumerArn } from './fan-out/consumer-arn.js';
import { streamOfArn, type KinesisContext } from './kinesis-context.js';
import type { ConsumerMeta, StreamMeta } from './model.js';
import { checkTagCharacters, checkTagCount, type TaggedKind } from './tag-rules.js';

/**
 * The ResourceARN of TagResource & co. and Put/Get/DeleteResourcePolicy: a stream's or a consumer's (the model's
 * pattern).
 */
export const RESOURCE_ARN = string({
  min: 1,
  max: 2048,
  pattern: /arn:aws.*:kinesis:.*:\d{12}:.*stream\/\S+/,
});

/** What a stream's and a consumer's documents have in common: tags and a resource policy. */
export type ResourceDoc = Pick<StreamMeta, 'policy'> & Pick<ConsumerMeta, 'tags'>;

/** A stream or a consumer, resolved from its ARN (or a stream from its name). */
export interface KinesisResource {
  kind: TaggedKind;
  /** The stream's name (a consumer's stream's). */
  stream: string;
  /** The name messages name: the stream's or the consumer's. */
  name: string;
  /** The resource's document as it is now (a stream's metadata, a consumer's entry in it). */
  read(): ResourceDoc;
  /** Changes the resource's document and persists it with its stream. */
  update(change: (doc: ResourceDoc) => void): Promise<void>;
}

/**
 * The stream or consumer a ResourceARN names. A stream must be visible (not CREATING or DELETING), as for
 * AddTagsToStream; a consumer is found as DescribeStreamConsumer finds it. An ARN of another region or account
 * names nothing here (ResourceNotFoundException), as `streamOfArn` answers it.
 */
export function kinesisResource(k: KinesisContext, arn: string): KinesisResource {
  const consumer = parseConsumerArn(arn);
  if (consumer !== undefined) {
    // The stream part is checked as a StreamARN is: region, account, existence.
    streamOfArn(k, arn.slice(0, arn.indexOf('/consumer/')));
    const ref = k.fanOut.consumers.byArn(arn);
    const find = (m: StreamMeta): ConsumerMeta => {
      const c = m.consumers.find((x) => x.consumerArn === ref.consumer.consumerArn);
      // byArn found it and nothing between that and this synchronous read removes it.
      if (!c) throw new Error(`consumer ${arn} vanished`);
      return c;
    };
    return {
      kind: 'consumer',
      stream: ref.stream,
      name: ref.consumer.consumerName,
      read: () => find(k.streams.get(ref.stream)),
      update: (change) => k.streams.update(ref.stream, (m) => change(find(m))),
    };
  }
  if (k.streams.nameFromArn(arn) === undefined) throw InvalidArgument(`Invalid ResourceARN: ${arn}`);
  return streamResource(k, streamOfArn(k, arn));
}

/** A stream as a resource; it must be visible (ResourceNotFoundException while CREATING or DELETING). */
export function streamResource(k: KinesisContext, stream: string): KinesisResource {
  k.streams.getVisible(stream);
  return {
    kind: 'stream',
    stream,
    name: stream,
    read: () => k.streams.get(stream),
    update: (change) => k.streams.update(stream, change),
  };
}

/** AddTagsToStream and TagResource: adds or overwrites tags: AWS's alphabet, then at most 50 on the resource. */
export async function addTags(
  k: KinesisContext,
  r: KinesisResource,
  tags: Record<string, string>,
): Promise<void> {
  const account = k.streams.account;
  const current = r.read().tags ?? {};
  checkTagCharacters([...Object.keys(tags), ...Object.values(tags)], 'add tags to', r.name, account, r.kind);
  checkTagCount(new Set([...Object.keys(current), ...Object.keys(tags)]).size, r.name, account, r.kind);
  await r.update((doc) => (doc.tags = { ...doc.tags, ...tags }));
}

/** RemoveTagsFromStream and UntagResource: removes the given keys; keys the resource does not have are ignored. */
export async function removeTags(k: KinesisContext, r: KinesisResource, keys: string[]): Promise<void> {
  checkTagCharacters(keys, 'remove tags from', r.name, k.streams.account, r.kind);
  await r.update((doc) => {
    const tags = { ...doc.tags };
    for (const key of keys) delete tags[key];
    doc.tags = tags;
  });
}

/** The resource's tags (a copy). */
export function tagsOf(r: KinesisResource): Record<string, string> {
  return { ...r.read().tags };
}
