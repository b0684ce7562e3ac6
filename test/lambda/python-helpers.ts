import { execFileSync } from 'node:child_process';

/** Why Python tests cannot run here (no python3 3.9+), or false; pass to skipReason, which fails on CI. */
export function python3Missing(): string | false {
  try {
    execFileSync('python3', ['-c', 'import sys; assert sys.version_info >= (3, 9)'], { stdio: 'ignore' });
    return false;
  } catch {
    return 'python3 (3.9 or later) is not installed';
  }
}
