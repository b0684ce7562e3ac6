import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import yazl from 'yazl';
import { CliError } from '../common.js';

/** A function's deployment package and its digest (what a redeploy compares to decide on UpdateFunctionCode). */
export interface CodeBundle {
  zip: Buffer;
  sha256: string;
  /** The directory or zip file it came from (watched by `deploy --watch`), if any. */
  source?: string;
}

/**
 * A CodeUri (or a Lambda::Function's local Code path) as a zip: a directory is zipped with fixed timestamps and
 * names in sorted order, so the same files give the same digest; a .zip file is taken as it is.
 */
export async function bundleOf(path: string, dir: string): Promise<CodeBundle> {
  const abs = resolve(dir, path);
  let st;
  try {
    st = statSync(abs);
  } catch {
    throw new CliError(`CodeUri ${path}: no such file or directory (${abs})`);
  }
  if (st.isFile()) {
    if (!abs.endsWith('.zip')) throw new CliError(`CodeUri ${path}: a directory or a .zip file`);
    return digest(readFileSync(abs), abs);
  }
  const files = walk(abs).sort();
  const zip = new yazl.ZipFile();
  const mtime = new Date(0);
  for (const f of files) {
    const name = relative(abs, f).split(sep).join('/');
    zip.addBuffer(readFileSync(f), name, { mtime, mode: statSync(f).mode | 0o100000 });
  }
  zip.end();
  const chunks: Buffer[] = [];
  for await (const c of zip.outputStream) chunks.push(c as Buffer);
  return digest(Buffer.concat(chunks), abs);
}

/** Inline code (SAM InlineCode, Code.ZipFile) as a package: index.js, as CloudFormation writes it. */
export async function inlineBundle(code: string): Promise<CodeBundle> {
  const zip = new yazl.ZipFile();
  zip.addBuffer(Buffer.from(code), 'index.js', { mtime: new Date(0), mode: 0o100644 });
  zip.end();
  const chunks: Buffer[] = [];
  for await (const c of zip.outputStream) chunks.push(c as Buffer);
  return digest(Buffer.concat(chunks));
}

function digest(zip: Buffer, source?: string): CodeBundle {
  return { zip, sha256: createHash('sha256').update(zip).digest('hex'), ...(source ? { source } : {}) };
}

/** Files under a directory; node_modules is packaged too (a function's dependencies), dot-directories are not. */
function walk(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name.startsWith('.')) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...walk(p));
    else if (e.isFile()) out.push(p);
  }
  return out;
}
