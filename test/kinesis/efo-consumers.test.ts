import { strict as assert } from 'node:assert';
import { rmSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import {
  DeregisterStreamConsumerCommand,
  DescribeStreamConsumerCommand,
  ListStreamConsumersCommand,
  KinesisClient,
  RegisterStreamConsumerCommand,
} from '@aws-sdk/client-kinesis';
import type { App } from '../../src/app/app.js';
import { assertConsumersDeletable } from '../../src/kinesis/fan-out/consumers.js';
import type { StreamMeta } from '../../src/kinesis/model.js';
import {
  clientConfig,
  awsCli,
  kinesisClient,
  startTestServer,
  tempDir,
  transports,
  waitFor,
  withKinesisServer,
  withServer,
} from '../harness/helpers.js';
import { createStream, registerConsumer, subscribe } from './efo-helpers.js';
import { hooks } from '../harness/hooks.js';
import { VirtualClock } from '../harness/virtual-clock.js';

/** The SDK retries LimitExceededException as throttling; a single attempt shows the server's answer. */
async function sendOnce<T>(app: App, send: (k: KinesisClient) => Promise<T>): Promise<T> {
  const k = new KinesisClient(clientConfig(app, 'default', { maxAttempts: 1 }));
  try {
    return await send(k);
  } finally {
    k.destroy();
  }
}

for (const transport of transports) {
  describe(`stream consumer API over ${transport}`, () => {
    let app: App;
    let k: KinesisClient;
    withKinesisServer(transport, (a, client) => ((app = a), (k = client)));

    it('registers, describes (by ARN and by stream + name), lists and deregisters a consumer', async () => {
      const { streamArn } = await createStream(k, 'life');
      const reg = await k.send(
        new RegisterStreamConsumerCommand({ StreamARN: streamArn, ConsumerName: 'app-1' }),
      );
      const c = reg.Consumer!;
      assert.equal(c.ConsumerName, 'app-1');
      assert.equal(c.ConsumerStatus, 'CREATING');
      assert.ok(c.ConsumerCreationTimestamp instanceof Date);
      const epoch = Math.floor(c.ConsumerCreationTimestamp.getTime() / 1000);
      assert.equal(
        c.ConsumerARN,
        `arn:aws:kinesis:us-east-1:000000000000:stream/life/consumer/app-1:${epoch}`,
      );
      const byArn = await k.send(new DescribeStreamConsumerCommand({ ConsumerARN: c.ConsumerARN }));
      const byName = await k.send(
        new DescribeStreamConsumerCommand({ StreamARN: streamArn, ConsumerName: 'app-1' }),
      );
      assert.deepEqual(byArn.ConsumerDescription, byName.ConsumerDescription);
      assert.equal(
        byArn.ConsumerDescription!.ConsumerStatus,
        'ACTIVE',
        'ACTIVE once the (zero) transition delay passed',
      );
      assert.equal(byArn.ConsumerDescription!.StreamARN, streamArn);
      const list = await k.send(new ListStreamConsumersCommand({ StreamARN: streamArn }));
      assert.deepEqual(
        list.Consumers!.map((x) => x.ConsumerARN),
        [c.ConsumerARN],
      );
      assert.equal(list.NextToken, undefined);
      await k.send(new DeregisterStreamConsumerCommand({ StreamARN: streamArn, ConsumerName: 'app-1' }));
      await assert.rejects(k.send(new DescribeStreamConsumerCommand({ ConsumerARN: c.ConsumerARN })), {
        name: 'ResourceNotFoundException',
      });
      assert.deepEqual(
        (await k.send(new ListStreamConsumersCommand({ StreamARN: streamArn }))).Consumers,
        [],
      );
      // The name is free again; the new registration gets its own ARN if the second changed.
      const again = await registerConsumer(k, streamArn, 'app-1');
      assert.match(again, /\/consumer\/app-1:\d+$/);
    });

    it('refuses a duplicate name, a 21st consumer and unknown consumers with AWS errors', async () => {
      const { streamArn } = await createStream(k, 'limits');
      await registerConsumer(k, streamArn, 'dup');
      await assert.rejects(
        k.send(new RegisterStreamConsumerCommand({ StreamARN: streamArn, ConsumerName: 'dup' })),
        (e: Error & { $metadata?: { httpStatusCode?: number } }) => {
          assert.equal(e.name, 'ResourceInUseException');
          assert.equal(e.$metadata?.httpStatusCode, 400);
          assert.match(e.message, /dup/);
          return true;
        },
      );
      for (let i = 1; i < 20; i++) await registerConsumer(k, streamArn, `c${i}`);
      await assert.rejects(
        sendOnce(app, (c) =>
          c.send(new RegisterStreamConsumerCommand({ StreamARN: streamArn, ConsumerName: 'c20' })),
        ),
        { name: 'LimitExceededException' },
      );
      assert.equal(
        (await k.send(new ListStreamConsumersCommand({ StreamARN: streamArn }))).Consumers!.length,
        20,
      );
      await assert.rejects(
        k.send(new DescribeStreamConsumerCommand({ ConsumerARN: `${streamArn}/consumer/ghost:1700000000` })),
        { name: 'ResourceNotFoundException' },
      );
      await assert.rejects(
        k.send(new DescribeStreamConsumerCommand({ StreamARN: streamArn, ConsumerName: 'ghost' })),
        { name: 'ResourceNotFoundException' },
      );
      await assert.rejects(
        k.send(new DeregisterStreamConsumerCommand({ StreamARN: streamArn, ConsumerName: 'ghost' })),
        { name: 'ResourceNotFoundException' },
      );
      await assert.rejects(
        k.send(
          new RegisterStreamConsumerCommand({
            StreamARN: 'arn:aws:kinesis:us-east-1:000000000000:stream/nope',
            ConsumerName: 'x',
          }),
        ),
        { name: 'ResourceNotFoundException' },
      );
      await assert.rejects(k.send(new DescribeStreamConsumerCommand({ ConsumerName: 'dup' })), (e: Error) => {
        assert.equal(e.name, 'InvalidArgumentException');
        assert.match(e.message, /ConsumerARN or both ConsumerName and StreamARN/);
        return true;
      });
      await assert.rejects(
        k.send(new RegisterStreamConsumerCommand({ StreamARN: streamArn, ConsumerName: 'bad name!' })),
        (e: Error) => {
          assert.equal(e.name, 'ValidationException');
          assert.match(
            e.message,
            /Value 'bad name!' at 'consumerName' failed to satisfy constraint: Member must satisfy regular expression pattern/,
          );
          return true;
        },
      );
    });

    it('pages ListStreamConsumers with MaxResults and NextToken', async () => {
      const { streamArn } = await createStream(k, 'paged');
      const names = Array.from({ length: 17 }, (_, i) => `p${String(i).padStart(2, '0')}`);
      for (const n of names) await registerConsumer(k, streamArn, n);
      const seen: string[] = [];
      let token: string | undefined;
      let pages = 0;
      do {
        const r = await k.send(
          new ListStreamConsumersCommand({ StreamARN: streamArn, MaxResults: 5, NextToken: token }),
        );
        assert.ok(r.Consumers!.length <= 5);
        seen.push(...r.Consumers!.map((c) => c.ConsumerName!));
        token = r.NextToken;
        pages++;
      } while (token);
      assert.equal(pages, 4);
      assert.deepEqual(seen, names);
      await assert.rejects(
        k.send(new ListStreamConsumersCommand({ StreamARN: streamArn, NextToken: 'garbage' })),
        { name: 'InvalidArgumentException' },
      );
      await assert.rejects(k.send(new ListStreamConsumersCommand({ StreamARN: streamArn, MaxResults: 0 })), {
        name: 'ValidationException',
      });
    });
  });
}

/**
 * Transitions on the Kinesis component's virtual clock (testHooks.kinesisClock): a state lasts until the test moves
 * time forward, so the requests made inside it never race a timer. A minute: were the clock not the component's,
 * the suites' timeouts would fail them.
 */
const DELAY_MS = 60_000;

async function startOnVirtualTime(): Promise<{ app: App; clock: VirtualClock }> {
  const clock = new VirtualClock(Date.now());
  const app = await startTestServer({ transitionDelayMs: DELAY_MS, testHooks: { kinesisClock: clock } });
  return { app, clock };
}

describe('consumer lifecycle with a transition delay', { timeout: 30_000 }, () => {
  let app: App;
  let clock: VirtualClock;
  let k: KinesisClient;
  before(async () => {
    ({ app, clock } = await startOnVirtualTime());
    k = kinesisClient(app);
  });
  after(async () => {
    k.destroy();
    await app.close();
  });

  it('is CREATING, refuses subscriptions and deregistration until ACTIVE, then DELETING until gone', async () => {
    const { streamArn, shardIds } = await createStream(k, 'slow');
    await clock.advance(DELAY_MS);
    assert.equal(hooks(app).streams.get('slow').status, 'ACTIVE');
    const arn = await registerConsumer(k, streamArn, 'c');
    const describe = async (): Promise<string | undefined> =>
      (await k.send(new DescribeStreamConsumerCommand({ ConsumerARN: arn }))).ConsumerDescription!
        .ConsumerStatus;
    assert.equal(await describe(), 'CREATING');
    await assert.rejects(subscribe(k, arn, shardIds[0]!, { Type: 'LATEST' }), (e: Error) => {
      assert.equal(e.name, 'ResourceInUseException');
      assert.match(e.message, /is not in ACTIVE status/);
      return true;
    });
    await assert.rejects(k.send(new DeregisterStreamConsumerCommand({ ConsumerARN: arn })), {
      name: 'ResourceInUseException',
    });
    await clock.advance(DELAY_MS - 1);
    assert.equal(await describe(), 'CREATING', 'still CREATING 1 ms before the delay has passed');
    await clock.advance(1);
    await waitFor(async () => (await describe()) === 'ACTIVE', 15_000, 'consumer ACTIVE');
    await k.send(new DeregisterStreamConsumerCommand({ ConsumerARN: arn }));
    assert.equal(await describe(), 'DELETING');
    await clock.advance(DELAY_MS);
    await waitFor(
      async () =>
        (await k.send(new ListStreamConsumersCommand({ StreamARN: streamArn }))).Consumers!.length === 0,
      15_000,
      'consumer gone',
    );
  });
});

describe('concurrent CREATING consumers', { timeout: 30_000 }, () => {
  it('allows at most 5 consumers CREATING at once', async () => {
    // All six registrations happen while the first five are CREATING: virtual time stands still until advanced.
    const { app, clock } = await startOnVirtualTime();
    const k = kinesisClient(app);
    try {
      const { streamArn } = await createStream(k, 'burst');
      await clock.advance(DELAY_MS);
      assert.equal(hooks(app).streams.get('burst').status, 'ACTIVE');
      const first = await registerConsumer(k, streamArn, 'b0');
      for (let i = 1; i < 5; i++) await registerConsumer(k, streamArn, `b${i}`);
      await assert.rejects(
        sendOnce(app, (c) =>
          c.send(new RegisterStreamConsumerCommand({ StreamARN: streamArn, ConsumerName: 'b5' })),
        ),
        { name: 'LimitExceededException' },
      );
      assert.equal(
        (await k.send(new DescribeStreamConsumerCommand({ ConsumerARN: first }))).ConsumerDescription!
          .ConsumerStatus,
        'CREATING',
        'the six calls ran inside the CREATING window',
      );
      await clock.advance(DELAY_MS);
      await waitFor(
        async () =>
          (await k.send(new ListStreamConsumersCommand({ StreamARN: streamArn }))).Consumers!.every(
            (c) => c.ConsumerStatus === 'ACTIVE',
          ),
        15_000,
        'ACTIVE',
      );
      await registerConsumer(k, streamArn, 'b5');
    } finally {
      k.destroy();
      await app.close();
    }
  });
});

describe('consumers persist across a restart', () => {
  it('keeps registered consumers (and finishes a CREATING one) after the server restarts on the same data dir', async () => {
    const dataDir = tempDir();
    let app = await startTestServer({ dataDir });
    let k = kinesisClient(app);
    const { streamArn } = await createStream(k, 'durable');
    const active = await registerConsumer(k, streamArn, 'active');
    k.destroy();
    await app.close();
    // A long transition delay: the next consumer is still CREATING when the server stops.
    app = await startTestServer({ dataDir, transitionDelayMs: 60_000 });
    k = kinesisClient(app);
    const arn = await registerConsumer(k, streamArn, 'kept');
    assert.equal(
      (await k.send(new DescribeStreamConsumerCommand({ ConsumerARN: arn }))).ConsumerDescription!
        .ConsumerStatus,
      'CREATING',
    );
    k.destroy();
    await app.close();
    app = await startTestServer({ dataDir, transitionDelayMs: 0 });
    k = kinesisClient(app);
    await waitFor(
      async () =>
        (await k.send(new DescribeStreamConsumerCommand({ ConsumerARN: arn }))).ConsumerDescription!
          .ConsumerStatus === 'ACTIVE',
      5_000,
      'consumer ACTIVE after restart',
    );
    const names = (await k.send(new ListStreamConsumersCommand({ StreamARN: streamArn }))).Consumers!.map(
      (c) => [c.ConsumerName, c.ConsumerARN],
    );
    assert.deepEqual(names, [
      ['active', active],
      ['kept', arn],
    ]);
    k.destroy();
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
});

describe('DeleteStream with consumers', () => {
  const meta = (consumers: number): StreamMeta =>
    ({
      name: 's',
      consumers: Array.from({ length: consumers }, (_, i) => ({
        consumerName: `c${i}`,
        consumerArn: `a${i}`,
        status: 'ACTIVE',
        createdAt: 0,
      })),
    }) as unknown as StreamMeta;

  it('assertConsumersDeletable requires EnforceConsumerDeletion only when consumers exist', () => {
    assert.doesNotThrow(() => assertConsumersDeletable(meta(0), undefined));
    assert.doesNotThrow(() => assertConsumersDeletable(meta(2), true));
    assert.throws(() => assertConsumersDeletable(meta(2), false), { name: 'ResourceInUseException' });
    assert.throws(
      () => assertConsumersDeletable(meta(1), undefined),
      (e: Error) => {
        assert.equal(e.name, 'ResourceInUseException');
        assert.match(e.message, /EnforceConsumerDeletion/);
        return true;
      },
    );
  });
});

describe('consumer API through the AWS CLI', () => {
  let app: App;
  withServer((a) => (app = a));

  it('registers, lists and describes consumers with aws kinesis', async () => {
    const k = kinesisClient(app);
    const { streamArn } = await createStream(k, 'cli');
    k.destroy();
    const reg = (
      await awsCli(app, [
        'kinesis',
        'register-stream-consumer',
        '--stream-arn',
        streamArn,
        '--consumer-name',
        'cli-c',
      ])
    ).json as {
      Consumer: { ConsumerARN: string; ConsumerStatus: string; ConsumerCreationTimestamp: unknown };
    };
    assert.match(
      reg.Consumer.ConsumerARN,
      /^arn:aws:kinesis:us-east-1:000000000000:stream\/cli\/consumer\/cli-c:\d+$/,
    );
    assert.equal(reg.Consumer.ConsumerStatus, 'CREATING');
    const list = (await awsCli(app, ['kinesis', 'list-stream-consumers', '--stream-arn', streamArn]))
      .json as { Consumers: Array<{ ConsumerName: string }> };
    assert.deepEqual(
      list.Consumers.map((c) => c.ConsumerName),
      ['cli-c'],
    );
    const desc = (
      await awsCli(app, ['kinesis', 'describe-stream-consumer', '--consumer-arn', reg.Consumer.ConsumerARN])
    ).json as {
      ConsumerDescription: { ConsumerStatus: string; StreamARN: string };
    };
    assert.equal(desc.ConsumerDescription.ConsumerStatus, 'ACTIVE');
    assert.equal(desc.ConsumerDescription.StreamARN, streamArn);
  });
});
