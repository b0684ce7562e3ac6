import { execFileSync } from 'node:child_process';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { App } from '../../src/app/app.js';
import { withLambdaServer } from './lambda-helpers.js';

/** Why Python tests cannot run here (no python3 3.9+), or false; pass to skipReason, which fails on CI. */
export function python3Missing(): string | false {
  try {
    execFileSync('python3', ['-c', 'import sys; assert sys.version_info >= (3, 9)'], { stdio: 'ignore' });
    return false;
  } catch {
    return 'python3 (3.9 or later) is not installed';
  }
}

/**
 * withLambdaServer for the Python suites: transitions at once, warm workers kept a minute, and python3.9 named to
 * run on the machine's python3 (a label whose version the machine may well not have). It asks python3 where it is
 * as the suite registers: call it in a suite skipped by python3Missing (a skipped suite's body does not run).
 */
export function withPythonServer(use: (app: App, c: LambdaClient) => void): void {
  withLambdaServer('default', use, {
    transitionDelayMs: 0,
    lambda: { idleTimeoutMs: 60_000, runtimePaths: { 'python3.9': python3Path() } },
  });
}

function python3Path(): string {
  return execFileSync('python3', ['-c', 'import sys; print(sys.executable)']).toString().trim();
}
