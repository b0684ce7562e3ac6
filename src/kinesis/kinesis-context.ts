import type { AppContext } from '../server/context.js';
import { InvalidArgument } from '../server/errors.js';
import { string } from '../server/shapes.js';
import type { FanOut } from './fan-out/fan-out.js';
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
}

export const STREAM_NAME = /[a-zA-Z0-9_.-]+/;
export const STREAM_ARN = /arn:aws.*:kinesis:.*:\d{12}:stream\/\S+/;

/** StreamName and StreamARN: every operation that takes the one also takes the other. */
export const STREAM_TARGET = {
  StreamName: string({ min: 1, max: 128, pattern: STREAM_NAME }),
  StreamARN: string({ min: 1, max: 2048, pattern: STREAM_ARN }),
};

/** The stream a validated StreamName/StreamARN names ('' when neither is given and neither is `required`). */
export function streamName(
  k: KinesisContext,
  input: { StreamName?: string; StreamARN?: string },
  required = true,
): string {
  if (input.StreamName !== undefined) return input.StreamName;
  if (input.StreamARN !== undefined) {
    const fromArn = k.streams.nameFromArn(input.StreamARN);
    if (fromArn === undefined) throw InvalidArgument(`Invalid StreamARN: ${input.StreamARN}`);
    return fromArn;
  }
  if (!required) return '';
  throw InvalidArgument('Either StreamName or StreamARN should be provided.');
}
