/**
 * The key of the test-only accessors: the App's (its components whole) and a component's (its parts: the Lambda
 * component's worker fleet, concurrency limiter, logs...). Only `test/harness/hooks.ts` reads them, so that tests
 * reach inside in one place and the public faces stay what production callers need.
 */
export const testAccess = Symbol('tributary.testAccess');
