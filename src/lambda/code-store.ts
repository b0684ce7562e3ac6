import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { readdir, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { unzipSafely, type UnzipLimits } from './unzip.js';

/**
 * Where deployment packages live on disk: `<root>/code/<function>/<codeId>/` (unpacked, the task root) and
 * `<codeId>.zip` beside it (served back by GetFunction's Code.Location). The root is `<dataDir>/lambda`, or a
 * temporary directory removed on close with --in-memory.
 */
export class CodeStore {
  readonly root: string;
  readonly #temporary: boolean;

  constructor(opts: { inMemory: boolean; dataDir: string }) {
    this.#temporary = opts.inMemory;
    this.root = opts.inMemory
      ? mkdtempSync(join(tmpdir(), 'tributary-lambda-'))
      : resolve(opts.dataDir, 'lambda');
    mkdirSync(join(this.root, 'code'), { recursive: true });
  }

  dir(functionName: string, codeId: string): string {
    return join(this.root, 'code', functionName, codeId);
  }

  zipPath(functionName: string, codeId: string): string {
    return join(this.root, 'code', functionName, `${codeId}.zip`);
  }

  /**
   * Unpacks a zip under a staging name and renames it into place, so a failed or interrupted unpack never
   * leaves a half-written code directory that a record points at. Returns the new code id.
   */
  async add(functionName: string, zip: Buffer, limits: UnzipLimits): Promise<string> {
    const codeId = `${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
    const parent = join(this.root, 'code', functionName);
    const staging = join(parent, `.staging-${codeId}`);
    try {
      await unzipSafely(zip, staging, limits);
      await writeFile(join(parent, `.staging-${codeId}.zip`), zip);
      await rename(join(parent, `.staging-${codeId}.zip`), this.zipPath(functionName, codeId));
      await rename(staging, this.dir(functionName, codeId));
    } catch (err) {
      await rm(staging, { recursive: true, force: true });
      await rm(join(parent, `.staging-${codeId}.zip`), { force: true });
      await rm(this.zipPath(functionName, codeId), { force: true });
      throw err;
    }
    return codeId;
  }

  async remove(functionName: string, codeId: string): Promise<void> {
    await rm(this.dir(functionName, codeId), { recursive: true, force: true });
    await rm(this.zipPath(functionName, codeId), { force: true });
  }

  async removeFunction(functionName: string): Promise<void> {
    await rm(join(this.root, 'code', functionName), { recursive: true, force: true });
  }

  /** Deletes code no record points at (left by a crash between unpacking and saving the record). */
  async collectGarbage(live: ReadonlyMap<string, string>): Promise<void> {
    const codeRoot = join(this.root, 'code');
    for (const fn of await readdir(codeRoot).catch(() => [] as string[])) {
      const keep = live.get(fn);
      if (keep === undefined) {
        await rm(join(codeRoot, fn), { recursive: true, force: true });
        continue;
      }
      for (const entry of await readdir(join(codeRoot, fn)).catch(() => [] as string[])) {
        if (entry !== keep && entry !== `${keep}.zip`)
          await rm(join(codeRoot, fn, entry), { recursive: true, force: true });
      }
    }
  }

  /** Removes the temporary root of an in-memory server. */
  close(): void {
    if (this.#temporary) rmSync(this.root, { recursive: true, force: true });
  }
}
