import { pino } from 'pino';
import type { AppContext } from '../../src/server/context.js';
import { ErrorPath } from '../../src/server/error-path.js';
import { compileServerOptions } from '../../src/server/options.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import type { Store } from '../../src/store/store.js';

/**
 * The AppContext of a unit test that builds components by hand (a StreamRegistry, SNS and SQS...) without a
 * server: in memory, a silent logger, an error path that counts into no recorder, and transitions (CREATING, UPDATING, DELETING)
 * inside the call. `store` lets the test keep and inspect the store.
 */
export function testAppContext(store: Store = new MemoryStore()): AppContext {
  const log = pino({ level: 'silent' });
  return {
    options: compileServerOptions({ inMemory: true, port: 0, transitionDelayMs: 0 }),
    store,
    log,
    errors: new ErrorPath(log),
    endpoint: { host: '127.0.0.1', port: 4600 },
  };
}
