// The part of fs-native-extensions (a CommonJS package without typings) that Tributary uses.
declare module 'fs-native-extensions' {
  /**
   * Takes a lock on the open file `fd` without waiting: true when taken, false when another open file holds
   * it (any other error throws). Exclusive unless `shared`. Linux: an open-file-description lock
   * (fcntl F_OFD_SETLK); macOS: flock; Windows: LockFileEx. Released when the file is closed or the process
   * dies.
   */
  export function tryLock(fd: number, opts?: { shared?: boolean }): boolean;
}
