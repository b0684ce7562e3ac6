/** True for the error a file-system call gives when the file (or a directory on its path) does not exist. */
export function isMissingFile(err: unknown): boolean {
  return (err as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}

/**
 * `read`'s value, or undefined when the file does not exist. Any other failure (permissions, I/O, a directory
 * where a file should be) still rejects: it is a fault to report, not a missing file.
 */
export async function unlessMissing<T>(read: Promise<T>): Promise<T | undefined> {
  try {
    return await read;
  } catch (err) {
    if (isMissingFile(err)) return undefined;
    throw err;
  }
}
