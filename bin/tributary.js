#!/usr/bin/env -S node --max-semi-space-size=64
// A 64 MB young generation: a 10000-record GetRecords builds ~3 MB of short-lived objects (bench/RESULTS.md).
// Runs the TypeScript CLI through tsx so `npm start` and the bin work without a build step.
import { register } from 'tsx/esm/api';
register();
await import('../src/cli/main.ts');
