import { strict as assert } from 'node:assert';
import { EventEmitter } from 'node:events';
import { describe, it } from 'node:test';
import { RECENT_INVOCATIONS, RecentInvocations } from '../../src/app/recent-invocations.js';
import type { LambdaEvents } from '../../src/lambda/lambda-events.js';

describe('RecentInvocations', () => {
  const end = (functionName: string, n: number, cold = false): LambdaEvents['invokeEnd'][0] => ({
    functionName,
    requestId: `r${n}`,
    invocationType: 'RequestResponse',
    attempt: 1,
    status: n % 2 === 0 ? 'success' : 'function-error',
    errorType: n % 2 === 0 ? undefined : 'Error',
    durationMs: n,
    initDurationMs: cold ? 100 : undefined,
  });

  it('keeps the last invocations of each function, newest first, and forgets a deleted function', () => {
    const events = new EventEmitter<LambdaEvents>();
    let now = 1000;
    const recent = new RecentInvocations(events, () => now++);
    events.emit('invokeEnd', end('a', 0, true));
    for (let i = 1; i <= RECENT_INVOCATIONS + 5; i++) events.emit('invokeEnd', end('a', i));
    events.emit('invokeEnd', end('b', 1));
    const a = recent.of('a');
    assert.equal(a.length, RECENT_INVOCATIONS);
    assert.equal(a[0]!.requestId, `r${RECENT_INVOCATIONS + 5}`);
    assert.equal(a[a.length - 1]!.requestId, 'r6');
    assert.deepEqual(recent.of('b'), [
      {
        requestId: 'r1',
        endedAt: now - 1,
        invocationType: 'RequestResponse',
        status: 'function-error',
        errorType: 'Error',
        durationMs: 1,
      },
    ]);
    events.emit('functionDeleted', { functionName: 'a', functionArn: 'arn' });
    assert.deepEqual(recent.of('a'), []);
    recent.close();
    events.emit('invokeEnd', end('c', 0));
    assert.deepEqual(recent.of('c'), []);
  });

  it('marks the invocation that paid for a cold start', () => {
    const events = new EventEmitter<LambdaEvents>();
    const recent = new RecentInvocations(events);
    events.emit('invokeEnd', end('f', 0, true));
    events.emit('invokeEnd', end('f', 2));
    assert.deepEqual(
      recent.of('f').map((i) => i.initDurationMs),
      [undefined, 100],
    );
  });
});
