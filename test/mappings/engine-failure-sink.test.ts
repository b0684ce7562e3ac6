import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import type { Clock } from '../../src/server/clock.js';
import { FailureSink, type DestinationSender } from '../../src/mappings/engine/failure-sink.js';
import { backoffMs } from '../../src/mappings/engine/retry-policy.js';

const queue = 'arn:aws:sqs:us-east-1:000000000000:dlq';

/** A destination that fails its first `failures` sends (then succeeds), remembering every attempt. */
class FlakySender implements DestinationSender {
  readonly sent: Array<{ arn: string; body: string }> = [];
  readonly errors: Error[] = [];
  readonly #failures: number;
  readonly #onSend: (attempt: number) => void;
  constructor(failures: number, onSend: (attempt: number) => void = () => {}) {
    this.#failures = failures;
    this.#onSend = onSend;
  }
  exists(): boolean {
    return true;
  }
  async send(arn: string, body: string): Promise<void> {
    this.sent.push({ arn, body });
    this.#onSend(this.sent.length);
    if (this.sent.length <= this.#failures) {
      const err = new Error(`unavailable (attempt ${this.sent.length})`);
      this.errors.push(err);
      throw err;
    }
  }
}

/** Virtual time: sleep resolves at once and records what was asked for (and with which signal). */
class FakeClock implements Clock {
  t = 1_000_000;
  readonly sleeps: Array<{ ms: number; signal: AbortSignal | undefined }> = [];
  now(): number {
    return this.t;
  }
  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    this.sleeps.push({ ms, signal });
    this.t += ms;
  }
  every(): () => void {
    throw new Error('the failure sink has no use for timers');
  }
}

const base = 100;
const max = 1000;

describe('engine: failure sink', () => {
  it('delivers at once when the destination is up (no sleep)', async () => {
    const sender = new FlakySender(0);
    const clock = new FakeClock();
    const sink = new FailureSink(sender, clock, { baseMs: base, maxMs: max });
    const result = await sink.deliver(queue, '{"x":1}', new AbortController().signal);
    assert.deepEqual(result, { delivered: true });
    assert.deepEqual(sender.sent, [{ arn: queue, body: '{"x":1}' }]);
    assert.equal(clock.sleeps.length, 0);
  });

  it('delivers after retries, sleeping the engine backoff between attempts', async () => {
    const sender = new FlakySender(3);
    const clock = new FakeClock();
    const sink = new FailureSink(sender, clock, { baseMs: base, maxMs: max });
    const ac = new AbortController();
    const result = await sink.deliver(queue, 'body', ac.signal);
    assert.deepEqual(result, { delivered: true });
    assert.equal(sender.sent.length, 4);
    assert.ok(
      sender.sent.every((s) => s.arn === queue && s.body === 'body'),
      'every attempt sends the same record',
    );
    // The k-th retry waits backoffMs(k + 1): base * 2^k, as the engine always did for destinations.
    assert.deepEqual(
      clock.sleeps.map((s) => s.ms),
      [backoffMs(2, base, max), backoffMs(3, base, max), backoffMs(4, base, max)],
    );
    assert.deepEqual(
      clock.sleeps.map((s) => s.ms),
      [200, 400, 800],
    );
    // Each sleep can be cut short by the processor stopping.
    assert.ok(clock.sleeps.every((s) => s.signal === ac.signal));
  });

  it('caps the delays at the maximum', async () => {
    const sender = new FlakySender(Infinity);
    const clock = new FakeClock();
    const sink = new FailureSink(sender, clock, { attempts: 8, baseMs: base, maxMs: 500 });
    await sink.deliver(queue, 'body', new AbortController().signal);
    const delays = clock.sleeps.map((s) => s.ms);
    assert.deepEqual(delays, [200, 400, 500, 500, 500, 500, 500]);
  });

  it('reports {delivered: false, error} after 5 failed attempts, with the last error, and does not sleep after the last', async () => {
    const sender = new FlakySender(Infinity);
    const clock = new FakeClock();
    const sink = new FailureSink(sender, clock, { baseMs: base, maxMs: max });
    const result = await sink.deliver(queue, 'body', new AbortController().signal);
    assert.equal(sender.sent.length, 5);
    assert.equal(result.delivered, false);
    assert.ok(!result.delivered);
    assert.equal(result.error, sender.errors[4], 'the error of the last attempt is reported');
    assert.equal(clock.sleeps.length, 4, 'no sleep after the last attempt');
  });

  it('delivers on the last allowed attempt', async () => {
    const sender = new FlakySender(4);
    const sink = new FailureSink(sender, new FakeClock(), { baseMs: base, maxMs: max });
    assert.deepEqual(await sink.deliver(queue, 'body', new AbortController().signal), { delivered: true });
    assert.equal(sender.sent.length, 5);
  });

  it('honours a custom number of attempts', async () => {
    const sender = new FlakySender(Infinity);
    const clock = new FakeClock();
    const sink = new FailureSink(sender, clock, { attempts: 2, baseMs: base, maxMs: max });
    const result = await sink.deliver(queue, 'body', new AbortController().signal);
    assert.equal(result.delivered, false);
    assert.equal(sender.sent.length, 2);
    assert.deepEqual(
      clock.sleeps.map((s) => s.ms),
      [200],
    );
  });

  it('stops sleeping once the signal is aborted, and still reports the failure', async () => {
    const ac = new AbortController();
    // The shard processor stops while the second attempt is under way.
    const sender = new FlakySender(Infinity, (attempt) => {
      if (attempt === 2) ac.abort();
    });
    const clock = new FakeClock();
    const sink = new FailureSink(sender, clock, { baseMs: base, maxMs: max });
    const result = await sink.deliver(queue, 'body', ac.signal);
    assert.equal(result.delivered, false);
    assert.ok(!result.delivered && result.error instanceof Error);
    assert.deepEqual(
      clock.sleeps.map((s) => s.ms),
      [200],
      'only the sleep before the abort',
    );
  });

  it('never sleeps when the signal is aborted from the start', async () => {
    const ac = new AbortController();
    ac.abort();
    const sender = new FlakySender(Infinity);
    const clock = new FakeClock();
    const sink = new FailureSink(sender, clock, { baseMs: base, maxMs: max });
    const result = await sink.deliver(queue, 'body', ac.signal);
    assert.equal(result.delivered, false);
    assert.equal(clock.sleeps.length, 0);
  });

  it('a destination that recovers while the signal is aborted is still delivered to', async () => {
    const ac = new AbortController();
    ac.abort();
    const sender = new FlakySender(1);
    const clock = new FakeClock();
    const sink = new FailureSink(sender, clock, { baseMs: base, maxMs: max });
    // Stopping does not throw the failure record away: the attempts left are made (without waiting).
    assert.deepEqual(await sink.deliver(queue, 'body', ac.signal), { delivered: true });
    assert.equal(clock.sleeps.length, 0);
  });
});
