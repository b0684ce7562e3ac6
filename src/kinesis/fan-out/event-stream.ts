import { EventStreamCodec, type MessageHeaders } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';
import { AwsError } from '../../server/errors.js';
import type { Subscription, SubscriptionEvent } from './subscription.js';

export const EVENT_STREAM_CONTENT_TYPE = 'application/vnd.amazon.eventstream';

const codec = new EventStreamCodec(toUtf8, fromUtf8);

function str(value: string): { type: 'string'; value: string } {
  return { type: 'string', value };
}

function frame(headers: MessageHeaders, payload: string): Uint8Array {
  return codec.encode({ headers, body: fromUtf8(payload) });
}

/** The first message of every SubscribeToShard response: the (empty) non-stream output members. */
export function initialResponseFrame(): Uint8Array {
  return frame(
    {
      ':message-type': str('event'),
      ':event-type': str('initial-response'),
      ':content-type': str('application/json'),
    },
    '{}',
  );
}

/**
 * The JSON body of a SubscribeToShardEvent, as AWS JSON 1.1 writes it: blobs base64, timestamps epoch
 * seconds (with the milliseconds as a fraction). Built as a string directly — an event can carry
 * thousands of records, and this is several times faster than JSON.stringify with a replacer.
 */
export function eventJson(ev: SubscriptionEvent): string {
  const records = ev.records.map(
    (r) =>
      `{"SequenceNumber":"${r.sequenceNumber}","ApproximateArrivalTimestamp":${r.arrival / 1000},` +
      `"Data":"${Buffer.from(r.data.buffer, r.data.byteOffset, r.data.byteLength).toString('base64')}",` +
      `"PartitionKey":${JSON.stringify(r.partitionKey)}}`,
  );
  let body = `{"Records":[${records.join(',')}],"MillisBehindLatest":${ev.millisBehindLatest}`;
  // At the end of a closed shard AWS sends no continuation (null): consumers read that as "shard end".
  if (ev.continuationSequenceNumber !== undefined)
    body += `,"ContinuationSequenceNumber":${JSON.stringify(ev.continuationSequenceNumber)}`;
  if (ev.childShards !== undefined) body += `,"ChildShards":${JSON.stringify(ev.childShards)}`;
  return body + '}';
}

export function eventFrame(ev: SubscriptionEvent): Uint8Array {
  return frame(
    {
      ':message-type': str('event'),
      ':event-type': str('SubscribeToShardEvent'),
      ':content-type': str('application/json'),
    },
    eventJson(ev),
  );
}

/** An error after the response started: an `exception` message, which the SDK throws from its iterator. */
export function exceptionFrame(err: AwsError): Uint8Array {
  return frame(
    {
      ':message-type': str('exception'),
      ':exception-type': str(err.type),
      ':content-type': str('application/json'),
    },
    JSON.stringify({ message: err.message }),
  );
}

/**
 * Our own bugs inside a stream become the event stream's modeled fault, InternalFailureException, once
 * `clientError` (the error path: see ErrorPath.toAwsError) has logged and counted them.
 */
function streamError(err: unknown, clientError: (err: unknown) => AwsError): AwsError {
  const e = clientError(err);
  return e.type === 'InternalFailure' ? new AwsError('InternalFailureException', e.message, 500) : e;
}

/**
 * Frames a subscription as an event stream. Lazy: each frame is produced only when the transport asks
 * for the next one (after the previous write drained), so back-pressure reaches the subscription.
 */
export function subscriptionFrames(
  sub: Subscription,
  clientError: (err: unknown) => AwsError,
): AsyncIterable<Uint8Array> {
  async function* frames(): AsyncGenerator<Uint8Array, void, undefined> {
    yield initialResponseFrame();
    try {
      for await (const ev of sub) yield eventFrame(ev);
    } catch (err) {
      yield exceptionFrame(streamError(err, clientError));
    }
  }
  return {
    [Symbol.asyncIterator]() {
      const gen = frames();
      return {
        next: () => gen.next(),
        // Closing the subscription first wakes it if it is waiting for records, so this returns at once.
        return: async () => {
          sub.close();
          await gen.return(undefined);
          return { done: true, value: undefined };
        },
      };
    },
  };
}
