import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { cp, mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { unzipSafely, type UnzipLimits, type UnzipResult } from './unzip.js';

/**
 * Where deployment packages live on disk: `<root>/code/<function>/<codeId>/` (unpacked, the task root) and
 * `<codeId>.zip` beside it (served back by GetFunction's Code.Location). The root is `<dataDir>/lambda`, or a
 * temporary directory removed on close with --in-memory.
 *
 * `<root>/package.json` (PACKAGE_BOUNDARY) makes a function's code resolve as Lambda resolves it, wherever the
 * data dir is: Node decides whether a `.js` file is CommonJS or an ES module from the nearest package.json
 * above it, and the data dir may lie inside a project whose package.json says "type": "module" (the default
 * ./.tributary lies inside Tributary's own), which would turn a zip's CommonJS index.js into an ES module
 * ("exports is not defined in ES module scope"). The boundary stops that lookup: only a package.json inside the
 * zip decides, and without one `.js` is CommonJS (as in Lambda: explicit "commonjs" rather than `{}`, under
 * which Node would reparse an index.js with `export` syntax as an ES module that Lambda refuses to load).
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
    writePackageBoundary(this.root);
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
    await this.#unpack(join(this.root, 'code', functionName), codeId, zip, limits);
    return codeId;
  }

  /** A layer version's content: `<root>/layers/<name>/<version>/` and `<version>.zip`, as `add` does code. */
  async addLayer(name: string, version: number, zip: Buffer, limits: UnzipLimits): Promise<UnzipResult> {
    return this.#unpack(join(this.root, 'layers', name), String(version), zip, limits);
  }

  layerDir(name: string, version: number): string {
    return join(this.root, 'layers', name, String(version));
  }

  /**
   * The `/opt` of functions using these layer versions (in this order): one merged directory per list, shared by
   * the functions that use the same list, built by `mergeLayers`.
   */
  optDir(layerArns: readonly string[]): string {
    const key = createHash('sha256').update(layerArns.join('\n')).digest('hex').slice(0, 24);
    return join(this.root, 'opt', key);
  }

  /**
   * Builds `optDir(arns)` if it does not exist: the layers' contents copied in order, a later layer's file
   * replacing an earlier one's (as Lambda extracts layers into /opt), staged and renamed into place.
   */
  async mergeLayers(arns: readonly string[], dirs: readonly string[]): Promise<string> {
    const target = this.optDir(arns);
    if (existsSync(target)) return target;
    const staging = `${target}.staging-${randomBytes(4).toString('hex')}`;
    try {
      await mkdir(staging, { recursive: true });
      for (const dir of dirs)
        await cp(dir, staging, { recursive: true, force: true, verbatimSymlinks: true });
      await rename(staging, target).catch(async (err: NodeJS.ErrnoException) => {
        // Another function built the same list meanwhile: theirs is as good.
        if (!existsSync(target)) throw err;
        await rm(staging, { recursive: true, force: true });
      });
    } catch (err) {
      await rm(staging, { recursive: true, force: true });
      throw err;
    }
    return target;
  }

  /** Unpacks a zip under a staging name beside `<parent>/<id>` and renames it (and the zip) into place. */
  async #unpack(parent: string, id: string, zip: Buffer, limits: UnzipLimits): Promise<UnzipResult> {
    const staging = join(parent, `.staging-${id}`);
    const zipPath = join(parent, `${id}.zip`);
    try {
      const result = await unzipSafely(zip, staging, limits);
      await writeFile(`${staging}.zip`, zip);
      await rename(`${staging}.zip`, zipPath);
      await rename(staging, join(parent, id));
      return result;
    } catch (err) {
      await rm(staging, { recursive: true, force: true });
      await rm(`${staging}.zip`, { force: true });
      await rm(zipPath, { force: true });
      throw err;
    }
  }

  async remove(functionName: string, codeId: string): Promise<void> {
    await rm(this.dir(functionName, codeId), { recursive: true, force: true });
    await rm(this.zipPath(functionName, codeId), { force: true });
  }

  async removeFunction(functionName: string): Promise<void> {
    await rm(join(this.root, 'code', functionName), { recursive: true, force: true });
  }

  /**
   * Deletes code no record points at (left by a crash between unpacking and saving the record). `live`: the code
   * ids each function's $LATEST and published versions run.
   */
  async collectGarbage(live: ReadonlyMap<string, ReadonlySet<string>>): Promise<void> {
    const codeRoot = join(this.root, 'code');
    for (const fn of await readdir(codeRoot).catch(() => [] as string[])) {
      const keep = live.get(fn);
      if (keep === undefined) {
        await rm(join(codeRoot, fn), { recursive: true, force: true });
        continue;
      }
      for (const entry of await readdir(join(codeRoot, fn)).catch(() => [] as string[])) {
        if (!keep.has(entry) && !keep.has(entry.replace(/\.zip$/, '')))
          await rm(join(codeRoot, fn, entry), { recursive: true, force: true });
      }
    }
  }

  /** Removes the temporary root of an in-memory server. */
  close(): void {
    if (this.#temporary) rmSync(this.root, { recursive: true, force: true });
  }
}

/** The package.json written at the root of the code store (see CodeStore). */
const PACKAGE_BOUNDARY = {
  description:
    'Written by Tributary: function code below resolves as in Lambda, whatever package.json lies above.',
  type: 'commonjs',
};

function writePackageBoundary(root: string): void {
  const file = join(root, 'package.json');
  const text = `${JSON.stringify(PACKAGE_BOUNDARY, null, 2)}\n`;
  let current: string | undefined;
  try {
    current = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  // Written through a temporary name and renamed, so that a crash never leaves a truncated package.json that
  // Node would refuse for every function.
  if (current !== text) {
    writeFileSync(`${file}.tmp`, text);
    renameSync(`${file}.tmp`, file);
  }
}
