import type { App } from '../app/app.js';
import { configErrorLine, resolveConfig, type ConfigSource, type UpFlags } from '../app/config.js';
import { ConfigError } from '../server/config-error.js';
import { ListenError } from '../server/listener.js';
import { DataDirError } from '../store/data-dir.js';

/** A SAM template `tributary up --template` deploys once the server has started. */
export interface UpTemplate {
  file: string;
  stackName?: string;
  overrides?: Record<string, string>;
}

/**
 * `tributary up`: starts the server, deploys `--template` if given (through the server's own API, as `tributary
 * deploy` would), prints the ready line, and shuts down gracefully on SIGINT/SIGTERM. A template that cannot be
 * deployed stops the server with its error and exit code 1.
 */
export async function up(flags: UpFlags, template?: UpTemplate): Promise<void> {
  // The first SIGINT/SIGTERM stops gracefully (App.close: in-flight work finishes, within --shutdown-timeout-ms);
  // a second one exits at once, like kill -9 (the workers die with the server, checkpoints are at least once).
  // The handlers are in place before the ready line, so a script may signal as soon as it reads it; a signal during
  // the start stops the server once it has started.
  let app: App | undefined;
  let stopping: 'SIGINT' | 'SIGTERM' | undefined;
  const stop = (a: App, signal: 'SIGINT' | 'SIGTERM'): void => {
    a.ctx.log.info(
      { signal, shutdownTimeoutMs: a.ctx.options.shutdownTimeoutMs },
      'shutting down: finishing the work in flight (send the signal again to exit at once)',
    );
    a.close().then(
      () => process.exit(0),
      (err: unknown) => {
        a.ctx.log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  const onSignal = (signal: 'SIGINT' | 'SIGTERM'): void => {
    if (stopping) {
      app?.ctx.log.warn({ signal }, 'second signal: exiting at once');
      process.exit(signal === 'SIGINT' ? 130 : 143);
    }
    stopping = signal;
    if (app) stop(app, signal);
  };
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));

  // Loaded here, not at the top: `tributary status` and `logs` never need the server's modules.
  const { startApp } = await import('../app/app.js');
  // Where each option came from, for the error line (filled even when the config file is refused).
  const sources = new Map<string, ConfigSource>();
  try {
    app = await startApp(resolveConfig(flags, process.env, undefined, sources));
  } catch (err) {
    // What the operator fixes (an option, the port, the data dir): one line on stderr, no stack, exit code 1.
    let line: string | undefined;
    if (err instanceof ConfigError) line = configErrorLine(err, sources);
    else if (!(err instanceof ListenError || err instanceof DataDirError)) throw err;
    process.stderr.write(`${line ?? `tributary: ${err.message.split('\n')[0]}`}\n`);
    process.exit(1);
  }
  if (template) {
    const { deployTemplate } = await import('./sam/deploy.js');
    const { renderDeploy } = await import('./deploy.js');
    try {
      // Signed with the server's own root key pair when it has one (given by flag or config file, not only by
      // TRIBUTARY_* variables, where `tributary deploy` would find it).
      const { accessKeyId, secretAccessKey } = app.ctx.options;
      const env =
        accessKeyId && secretAccessKey
          ? {
              ...process.env,
              TRIBUTARY_ACCESS_KEY_ID: accessKeyId,
              TRIBUTARY_SECRET_ACCESS_KEY: secretAccessKey,
            }
          : process.env;
      const r = await deployTemplate({
        templateFile: template.file,
        endpoint: app.endpoint,
        env,
        ...template,
      });
      process.stdout.write(renderDeploy(r, process.stdout));
    } catch (err) {
      process.stderr.write(`tributary: the template was not deployed: ${(err as Error).message}\n`);
      await app.close();
      process.exit(1);
    }
  }
  // With signatures checked, the console needs a key: a one-time link signs this browser in without typing one.
  // Printed here only (the operator's terminal), never logged: its token is a credential until it is used.
  const link = app.consoleLink();
  if (link) process.stdout.write(`Console sign-in link (works once, for an hour): ${link}\n`);
  const where = app.ctx.options.inMemory ? 'in memory' : `data in ${app.ctx.options.dataDir}`;
  // The one line scripts wait for.
  process.stdout.write(`Tributary listening on ${app.endpoint} (${where})\n`);
  if (stopping) stop(app, stopping);
}
