import type { MappingsContext } from '../mappings-context.js';
import { InvalidParameterValue } from './mapping-fields.js';

/** A Kinesis stream ARN, or a stream consumer ARN (enhanced fan-out). */
export interface EventSource {
  streamName: string;
  streamArn: string;
  consumerArn?: string;
}

const STREAM = /^arn:aws[\w-]*:kinesis:[^:]+:\d{12}:stream\/([a-zA-Z0-9_.-]+)$/;
const CONSUMER =
  /^(arn:aws[\w-]*:kinesis:[^:]+:\d{12}:stream\/([a-zA-Z0-9_.-]+))\/consumer\/[a-zA-Z0-9_.-]+:\d+$/;

/** The stream (and consumer) an event source ARN names, without looking it up; undefined when not a Kinesis ARN. */
export function parseEventSourceArn(eventSourceArn: string): EventSource | undefined {
  const consumer = CONSUMER.exec(eventSourceArn);
  if (consumer) return { streamName: consumer[2]!, streamArn: consumer[1]!, consumerArn: eventSourceArn };
  const stream = STREAM.exec(eventSourceArn);
  return stream ? { streamName: stream[1]!, streamArn: eventSourceArn } : undefined;
}

/**
 * Lambda reads streams of its own region only: a stream (or consumer) ARN of another region is refused as AWS
 * refuses it, "Event source region must match Lambda region <region>." (InvalidParameterValueException).
 */
function requireOwnRegion(c: MappingsContext, eventSourceArn: string): void {
  const region = eventSourceArn.split(':')[3];
  if (region !== c.app.options.region) {
    throw InvalidParameterValue(`Event source region must match Lambda region ${c.app.options.region}.`);
  }
}

export function resolveEventSource(c: MappingsContext, eventSourceArn: string): EventSource {
  if (parseEventSourceArn(eventSourceArn)) requireOwnRegion(c, eventSourceArn);
  const consumer = CONSUMER.exec(eventSourceArn);
  if (consumer) {
    const streamName = consumer[2]!;
    if (!c.streams.has(streamName)) throw InvalidParameterValue(`Stream not found: ${consumer[1]}`);
    const meta = c.streams.get(streamName);
    if (!meta.consumers.some((x) => x.consumerArn === eventSourceArn)) {
      throw InvalidParameterValue(`Stream consumer not found: ${eventSourceArn}`);
    }
    return { streamName, streamArn: consumer[1]!, consumerArn: eventSourceArn };
  }
  const stream = STREAM.exec(eventSourceArn);
  if (!stream) {
    throw InvalidParameterValue(
      'Unrecognized event source, must be kinesis stream ARN.'.replace('ARN.', 'ARN or consumer ARN.'),
    );
  }
  const streamName = stream[1]!;
  if (!c.streams.has(streamName) || c.streams.get(streamName).arn !== eventSourceArn) {
    throw InvalidParameterValue(`Stream not found: ${eventSourceArn}`);
  }
  return { streamName, streamArn: eventSourceArn };
}
