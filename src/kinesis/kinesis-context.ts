import type { AppContext } from '../server/context.js';
import { InvalidArgument } from '../server/errors.js';
import { string } from '../server/shapes.js';
import type { FanOut } from './fan-out/fan-out.js';
import type { IteratorCodec } from './iterators.js';
import { streamNotFound } from './not-found.js';
import type { KinesisEvents } from './kinesis-events.js';
import type { StreamRegistry } from './stream-registry.js';

/** What each Kinesis action gets. */
export interface KinesisContext {
  app: AppContext;
  streams: StreamRegistry;
  /** The component's events (the registry emits on them, and so do actions: GetRecords' metrics). */
  events: KinesisEvents;
  /** The component's enhanced fan-out: registered consumers and their subscriptions (`withFanOut` sets it). */
  fanOut: FanOut;
  /** GetShardIterator's and GetRecords' shard iterators, under the component's secret. */
  iterators: IteratorCodec;
}

export const STREAM_NAME = /[a-zA-Z0-9_.-]+/;
export const STREAM_ARN = /arn:aws.*:kinesis:.*:\d{12}:stream\/\S+/;

/**
 * StreamName and StreamARN: every operation that takes the one also takes the other. Spread where AWS lists
 * StreamName's failures among the operation's members (validation-coral.ts: failures follow the shape's order).
 */
export const STREAM_TARGET = {
  StreamName: string({ min: 1, max: 128, pattern: STREAM_NAME }),
  StreamARN: string({ min: 1, max: 2048, pattern: STREAM_ARN }),
};

/**
 * The stream a StreamARN names. Streams live in a region and an account: an ARN naming another region's (or
 * account's) stream names none here, and is answered as any stream that does not exist.
 */
export function streamOfArn(k: KinesisContext, streamArn: string): string {
  const name = k.streams.nameFromArn(streamArn);
  if (name === undefined) throw InvalidArgument(`Invalid StreamARN: ${streamArn}`);
  const [, , , region, account] = streamArn.split(':');
  if (region !== k.app.options.region || account !== k.app.options.account) {
    throw streamNotFound(k.app.options.account, name);
  }
  return name;
}

/** The stream a validated StreamName/StreamARN names ('' when neither is given and neither is `required`). */
export function streamName(
  k: KinesisContext,
  input: { StreamName?: string; StreamARN?: string },
  required = true,
): string {
  if (input.StreamName !== undefined) return input.StreamName;
  if (input.StreamARN !== undefined) return streamOfArn(k, input.StreamARN);
  if (!required) return '';
  throw InvalidArgument('Either StreamName or StreamARN should be provided.');
}
