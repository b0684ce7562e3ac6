import { strict as assert } from 'node:assert';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { FunctionLogs } from '../../src/lambda/function-logs.js';
import { unlessMissing } from '../../src/store/missing-file.js';
import { tempDir } from '../harness/helpers.js';

/** The function log files under the code root: what is written, and that a failed write is reported, not lost. */
describe('function log files', () => {
  it('append lines in order; tail reads them, and a function without a file has none', async () => {
    const root = tempDir();
    try {
      const logs = new FunctionLogs(root, { maxBytes: 1 << 20, print: false, onWriteError: assert.fail });
      for (let i = 0; i < 5; i++) logs.write('fn', `line ${i}`, 'stream');
      await logs.flush('fn');
      assert.equal(readFileSync(logs.file('fn'), 'utf8'), 'line 0\nline 1\nline 2\nline 3\nline 4\n');
      assert.deepEqual(await logs.tail('fn', 2), ['line 3', 'line 4']);
      assert.equal(await logs.tail('other', 2), undefined);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('a write that fails is reported once per function and error, and tail refuses an unreadable log', async () => {
    const root = tempDir();
    try {
      const failures: Array<[string, string | undefined]> = [];
      const logs = new FunctionLogs(root, {
        maxBytes: 1 << 20,
        print: false,
        onWriteError: (fn, err) => failures.push([fn, (err as NodeJS.ErrnoException).code]),
      });
      // A directory where the log file should be: every append fails (EISDIR), as a full disk would.
      mkdirSync(logs.file('fn'));
      const lines: string[] = [];
      logs.on('line', (e) => lines.push(e.line));
      logs.write('fn', 'first', 'stream');
      await logs.flush('fn');
      logs.write('fn', 'second', 'stream');
      await logs.flush('fn');
      assert.deepEqual(failures, [['fn', 'EISDIR']]);
      assert.deepEqual(lines, ['first', 'second'], 'the lines still reach the listeners (CloudWatch Logs)');
      await assert.rejects(logs.tail('fn', 1), { code: 'EISDIR' });
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('unlessMissing: undefined only for a file that does not exist', async () => {
    const { readFile } = await import('node:fs/promises');
    const dir = tempDir();
    try {
      assert.equal(await unlessMissing(readFile(join(dir, 'absent'))), undefined);
      await assert.rejects(unlessMissing(readFile(dir)), { code: 'EISDIR' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
