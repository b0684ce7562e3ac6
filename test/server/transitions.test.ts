import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { TransitionScheduler } from '../../src/server/transitions.js';
import { settle, VirtualClock } from '../harness/virtual-clock.js';

/** A resource with a transitional state, as the components have (a stream, a consumer, a function, a mapping). */
class Resource {
  state = 'CREATING';
  readonly log: string[] = [];
}

function scheduler(clock: VirtualClock, delay: { ms: number }, errors: unknown[] = []): TransitionScheduler {
  return new TransitionScheduler({ clock, delayMs: () => delay.ms, onError: (err) => errors.push(err) });
}

/** What an operation does: set the transitional state, schedule the completion, answer. */
async function operation(t: TransitionScheduler, r: Resource): Promise<string> {
  await Promise.resolve(); // work before the transition (validation, persisting)
  r.state = 'CREATING';
  const answer = r.state;
  t.schedule(async () => {
    r.state = 'ACTIVE'; // the in-memory change, before the completion's first await
    await Promise.resolve(); // persisting
    r.log.push('announced');
  });
  return answer;
}

describe('the transition scheduler', () => {
  it('at delay 0: the answer shows the transitional state, the caller resumes with the completion begun', async () => {
    const clock = new VirtualClock();
    const t = scheduler(clock, { ms: 0 });
    const r = new Resource();
    assert.equal(t.instant, true);
    const answer = await operation(t, r);
    assert.equal(answer, 'CREATING', 'the answer was built before the completion ran');
    assert.equal(r.state, 'ACTIVE', 'the caller resumes after the completion made its change');
    await settle();
    assert.deepEqual(r.log, ['announced']);
  });

  it('at delay 0 the completion does not run inside the step that schedules it', () => {
    const t = scheduler(new VirtualClock(), { ms: 0 });
    let ran = false;
    t.schedule(() => {
      ran = true;
    });
    assert.equal(ran, false);
  });

  it('with a delay: nothing until the clock reaches it, then the completion', async () => {
    const clock = new VirtualClock();
    const t = scheduler(clock, { ms: 500 });
    const r = new Resource();
    assert.equal(t.instant, false);
    await operation(t, r);
    assert.equal(r.state, 'CREATING');
    await clock.advance(499);
    assert.equal(r.state, 'CREATING', 'not before the delay');
    await clock.advance(1);
    assert.equal(r.state, 'ACTIVE');
    assert.deepEqual(r.log, ['announced']);
  });

  it('reads the delay when a transition is scheduled, and an explicit delay wins (restarts finish at once)', async () => {
    const clock = new VirtualClock();
    const delay = { ms: 100 };
    const t = scheduler(clock, delay);
    const done: string[] = [];
    t.schedule(() => void done.push('a'));
    delay.ms = 1000;
    t.schedule(() => void done.push('b'));
    t.schedule(() => void done.push('restart'), 0);
    await settle();
    assert.deepEqual(done, ['restart']);
    await clock.advance(100);
    assert.deepEqual(done, ['restart', 'a']);
    await clock.advance(900);
    assert.deepEqual(done, ['restart', 'a', 'b']);
  });

  it('close() drops the completions not started yet, at any delay, and later ones', async () => {
    const clock = new VirtualClock();
    const delay = { ms: 60_000 };
    const t = scheduler(clock, delay);
    const done: string[] = [];
    t.schedule(() => void done.push('waiting'));
    delay.ms = 0;
    t.schedule(() => void done.push('instant'));
    t.close();
    t.schedule(() => void done.push('after close'));
    await clock.advance(120_000);
    assert.deepEqual(done, []);
    assert.equal(clock.nextAt, undefined, 'no timer left behind');
  });

  it('a failing completion is reported, not lost, and does not stop the others', async () => {
    const clock = new VirtualClock();
    const errors: unknown[] = [];
    const t = scheduler(clock, { ms: 10 }, errors);
    const done: string[] = [];
    t.schedule(() => Promise.reject(new Error('store down')));
    t.schedule(() => {
      throw new Error('bug');
    });
    t.schedule(() => void done.push('ok'));
    await clock.advance(10);
    assert.deepEqual(
      errors.map((e) => (e as Error).message),
      ['store down', 'bug'],
    );
    assert.deepEqual(done, ['ok']);
  });
});
