import { createWriteStream } from 'node:fs';
import { mkdir, symlink } from 'node:fs/promises';
import { dirname, isAbsolute, join, normalize, relative, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { InvalidParameterValue } from './lambda-errors.js';

export interface UnzipLimits {
  /** Sum of the entries' uncompressed sizes. */
  maxBytes: number;
  /** Number of entries. */
  maxEntries: number;
}

export interface UnzipResult {
  files: number;
  bytes: number;
}

const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;
const S_IFDIR = 0o040000;

const badZip = (): Error =>
  InvalidParameterValue('Could not unzip uploaded file. Please check your file, then try to upload again.');

/**
 * Unpacks a deployment package into `dest` (which must not exist yet or be empty). Refuses, with AWS's
 * InvalidParameterValueException, archives that are corrupt, too large once unpacked, or that try to write
 * outside `dest` (absolute paths, `..`, symlinks pointing out). Unix permission bits are kept so a
 * provided.* `bootstrap` stays executable. Everything is asynchronous.
 */
export async function unzipSafely(zip: Buffer, dest: string, limits: UnzipLimits): Promise<UnzipResult> {
  let zf: ZipFile;
  try {
    zf = await new Promise<ZipFile>((res, rej) =>
      yauzl.fromBuffer(
        zip,
        { lazyEntries: true, validateEntrySizes: true, strictFileNames: false },
        (err, z) => (err ? rej(err) : res(z!)),
      ),
    );
  } catch {
    throw badZip();
  }
  if (zf.entryCount > limits.maxEntries) {
    zf.close();
    throw InvalidParameterValue(`Unzipped package must contain at most ${limits.maxEntries} files.`);
  }
  const root = resolve(dest);
  await mkdir(root, { recursive: true });
  let bytes = 0;
  let files = 0;
  try {
    for await (const entry of entries(zf)) {
      const target = safeTarget(root, entry.fileName);
      const mode = (entry.externalFileAttributes >>> 16) & 0xffff;
      const kind = mode & S_IFMT;
      if (entry.fileName.endsWith('/') || kind === S_IFDIR) {
        await mkdir(target, { recursive: true });
        continue;
      }
      bytes += entry.uncompressedSize;
      if (bytes > limits.maxBytes)
        throw InvalidParameterValue(`Unzipped size must be smaller than ${limits.maxBytes} bytes`);
      await mkdir(dirname(target), { recursive: true });
      const stream = await openEntry(zf, entry);
      if (kind === S_IFLNK) {
        const linkTarget = (await readAll(stream, 4096)).toString('utf8');
        const resolved = resolve(dirname(target), linkTarget);
        if (isAbsolute(linkTarget) || !inside(root, resolved)) throw badZip();
        await symlink(linkTarget, target);
      } else {
        // Permission bits from Unix zips; DOS-made entries (no bits) get rw-r--r--.
        const perm = kind === 0 && (mode & 0o777) === 0 ? 0o644 : (mode & 0o777) | 0o400;
        await pipeline(stream, createWriteStream(target, { mode: perm, flags: 'wx' }));
      }
      files++;
    }
  } catch (err) {
    if (err instanceof Error && err.name === 'InvalidParameterValueException') throw err;
    throw badZip();
  } finally {
    zf.close();
  }
  return { files, bytes };
}

function inside(root: string, p: string): boolean {
  const rel = relative(root, p);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** The path an entry writes to; refuses absolute names and any escape from `root`. */
function safeTarget(root: string, fileName: string): string {
  const name = fileName.replace(/\\/g, '/');
  if (name.startsWith('/') || /^[a-zA-Z]:/.test(name) || name.includes('\0')) throw badZip();
  const target = resolve(root, normalize(name.split('/').join(sep)));
  if (!inside(root, target) || target === root) throw badZip();
  return join(target);
}

async function* entries(zf: ZipFile): AsyncGenerator<Entry> {
  for (;;) {
    const next = await new Promise<Entry | undefined>((res, rej) => {
      const onEntry = (e: Entry): void => {
        cleanup();
        res(e);
      };
      const onEnd = (): void => {
        cleanup();
        res(undefined);
      };
      const onError = (e: Error): void => {
        cleanup();
        rej(e);
      };
      const cleanup = (): void => {
        zf.off('entry', onEntry);
        zf.off('end', onEnd);
        zf.off('error', onError);
      };
      zf.on('entry', onEntry);
      zf.on('end', onEnd);
      zf.on('error', onError);
      zf.readEntry();
    });
    if (next === undefined) return;
    yield next;
  }
}

function openEntry(zf: ZipFile, entry: Entry): Promise<Readable> {
  return new Promise((res, rej) => zf.openReadStream(entry, (err, s) => (err ? rej(err) : res(s!))));
}

async function readAll(stream: Readable, max: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of stream) {
    n += (c as Buffer).length;
    if (n > max) throw badZip();
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks);
}
