/**
 * A server killed with SIGKILL runs no cleanup, yet its workers go with it: a handler spinning in an endless
 * loop must not outlive the server (Linux, where workers start with a parent-death signal through setpriv).
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { CreateFunctionCommand, InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { clientConfig, skipReason, tempDir } from '../harness/helpers.js';
import { ROLE, zipFiles } from '../mappings/mapping-fixtures.js';
import { running, spawnServer } from '../harness/server-process.js';

async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  // Polling /proc: process exit raises no event this test could await.
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

// Where setpriv is missing (macOS), workers start directly and this guarantee does not hold.
const supported = process.platform === 'linux' && existsSync('/usr/bin/setpriv');

describe(
  'workers and a server killed with SIGKILL',
  { skip: skipReason(!supported && 'needs Linux and setpriv') },
  () => {
    it('a worker spinning in an endless handler dies with the server', async () => {
      const dir = tempDir();
      const { child, endpoint } = await spawnServer(['--data-dir', join(dir, 'data')]);
      const marker = join(dir, 'worker.pid');
      try {
        const lambda = new LambdaClient(clientConfig({ endpoint }, 'h1'));
        await lambda.send(
          new CreateFunctionCommand({
            FunctionName: 'spin',
            Runtime: 'nodejs20.x',
            Handler: 'index.handler',
            Role: ROLE,
            Timeout: 900,
            Environment: { Variables: { MARKER: marker } },
            Code: {
              ZipFile: await zipFiles({
                'index.mjs':
                  "import { writeFileSync } from 'node:fs';\n" +
                  'export const handler = async () => { writeFileSync(process.env.MARKER, String(process.pid)); for (;;) {} };\n',
              }),
            },
          }),
        );
        await lambda.send(new InvokeCommand({ FunctionName: 'spin', InvocationType: 'Event' }));
        await until(() => existsSync(marker) && readFileSync(marker, 'utf8') !== '', 'the handler to start');
        const worker = Number(readFileSync(marker, 'utf8'));
        assert.ok(running(worker), `worker ${worker} runs`);
        child.kill('SIGKILL');
        await until(() => !running(worker), `worker ${worker} to die with the server`);
      } finally {
        child.kill('SIGKILL');
      }
    });
  },
);
