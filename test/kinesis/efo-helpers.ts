import {
  CreateStreamCommand,
  DescribeStreamCommand,
  RegisterStreamConsumerCommand,
  SubscribeToShardCommand,
  type KinesisClient,
  type StartingPosition,
  type SubscribeToShardEvent,
  type SubscribeToShardEventStream,
} from '@aws-sdk/client-kinesis';
import type { App } from '../../src/app/app.js';
import type { FanOut } from '../../src/kinesis/fan-out/fan-out.js';
import { hooks } from '../harness/hooks.js';

export function serverFanOut(app: App): FanOut {
  return hooks(app).kinesisContext.fanOut;
}

export interface StreamSetup {
  streamArn: string;
  shardIds: string[];
}

export async function createStream(k: KinesisClient, name: string, shards = 1): Promise<StreamSetup> {
  await k.send(new CreateStreamCommand({ StreamName: name, ShardCount: shards }));
  const d = await k.send(new DescribeStreamCommand({ StreamName: name }));
  return {
    streamArn: d.StreamDescription!.StreamARN!,
    // A new stream's shards are shardId-000000000000 onwards; DescribeStream lists none while it is CREATING.
    shardIds: Array.from({ length: shards }, (_, i) => `shardId-${String(i).padStart(12, '0')}`),
  };
}

export async function registerConsumer(k: KinesisClient, streamArn: string, name: string): Promise<string> {
  const r = await k.send(new RegisterStreamConsumerCommand({ StreamARN: streamArn, ConsumerName: name }));
  return r.Consumer!.ConsumerARN!;
}

/** Reads a SubscribeToShard event stream one event at a time, with a timeout per event. */
export class EventReader {
  readonly #it: AsyncIterator<SubscribeToShardEventStream>;
  readonly #abort: AbortController;
  constructor(stream: AsyncIterable<SubscribeToShardEventStream>, abort: AbortController) {
    this.#it = stream[Symbol.asyncIterator]();
    this.#abort = abort;
  }

  /** The next SubscribeToShardEvent, or undefined when the stream ended. Throws the stream's exception. */
  async next(timeoutMs = 10_000): Promise<SubscribeToShardEvent | undefined> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no event within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      const r = await Promise.race([this.#it.next(), timeout]);
      if (r.done) return undefined;
      const ev = r.value.SubscribeToShardEvent;
      if (!ev) throw new Error(`unexpected event ${JSON.stringify(r.value)}`);
      return ev;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Reads events until `count` records arrived (within `timeoutMs` overall; heartbeats don't extend it). */
  async records(
    count: number,
    timeoutMs = 10_000,
  ): Promise<{ records: NonNullable<SubscribeToShardEvent['Records']>; events: SubscribeToShardEvent[] }> {
    const records: NonNullable<SubscribeToShardEvent['Records']> = [];
    const events: SubscribeToShardEvent[] = [];
    const deadline = Date.now() + timeoutMs;
    while (records.length < count) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`only ${records.length} of ${count} records within ${timeoutMs} ms`);
      const ev = await this.next(left);
      if (!ev) throw new Error(`stream ended after ${records.length} of ${count} records`);
      events.push(ev);
      records.push(...(ev.Records ?? []));
    }
    return { records, events };
  }

  /**
   * Stops reading. Leaving the SDK's iterator does not close the HTTP stream (the SDK keeps reading
   * the body); aborting the request does, as a consumer library would.
   */
  async close(): Promise<void> {
    this.#abort.abort();
    await this.#it.return?.();
  }
}

export async function subscribe(
  k: KinesisClient,
  consumerArn: string,
  shardId: string,
  position: StartingPosition,
): Promise<EventReader> {
  const abort = new AbortController();
  const res = await k.send(
    new SubscribeToShardCommand({ ConsumerARN: consumerArn, ShardId: shardId, StartingPosition: position }),
    { abortSignal: abort.signal },
  );
  return new EventReader(res.EventStream!, abort);
}

export const text = (d: Uint8Array | undefined): string =>
  Buffer.from(d ?? new Uint8Array()).toString('utf8');
