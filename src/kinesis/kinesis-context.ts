import type { AppContext } from '../server/context.js';
import { InvalidArgument } from '../server/errors.js';
import type { Validator } from '../server/validator.js';
import type { KinesisEvents } from './kinesis-events.js';
import type { StreamRegistry } from './stream-registry.js';

/** What each Kinesis action gets. */
export interface KinesisContext {
  app: AppContext;
  streams: StreamRegistry;
  /** The component's events (the registry emits on them, and so do actions: GetRecords' metrics). */
  events: KinesisEvents;
}

export const STREAM_NAME = /[a-zA-Z0-9_.-]+/;
export const STREAM_ARN = /arn:aws.*:kinesis:.*:\d{12}:stream\/\S+/;

/**
 * Every operation that takes StreamName also takes StreamARN. Validates both and returns the name.
 * Call `v.check()` afterwards (this only records issues).
 */
export function streamTarget(v: Validator, k: KinesisContext, required = true): () => string {
  const name = v.string('StreamName', { min: 1, max: 128, pattern: STREAM_NAME });
  const streamArn = v.string('StreamARN', { min: 1, max: 2048, pattern: STREAM_ARN });
  return () => {
    if (name !== undefined) return name;
    if (streamArn !== undefined) {
      const fromArn = k.streams.nameFromArn(streamArn);
      if (fromArn === undefined) throw InvalidArgument(`Invalid StreamARN: ${streamArn}`);
      return fromArn;
    }
    if (!required) return '';
    throw InvalidArgument('Either StreamName or StreamARN should be provided.');
  };
}
