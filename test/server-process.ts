import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../bin/tributary.js', import.meta.url));

/** The real server as a child process (`tributary up`), for kill -9 and restart tests. */
export interface ServerProcess {
  child: ChildProcess;
  endpoint: string;
  kill9(): Promise<void>;
}

export async function spawnServer(args: string[]): Promise<ServerProcess> {
  const child = spawn(process.execPath, [BIN, 'up', '--port', '0', '--log-level', 'warn', '--transition-delay-ms', '0', ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  const endpoint = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      out += chunk.toString();
      const m = /Tributary listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        child.stdout!.off('data', onData);
        child.stdout!.resume();
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`server exited early with ${code}: ${out}`)));
  });
  return {
    child,
    endpoint,
    async kill9() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
    },
  };
}
