import { startApp, type App, type StartOptions } from '../server/app.js';
import { DataDirError } from '../store/data-dir.js';
import { LambdaOptionsError, type LambdaOptions } from '../lambda/lambda-options.js';
import type { ServerOptions } from '../server/options.js';

export interface UpFlags {
  port?: string;
  host?: string;
  dataDir?: string;
  inMemory?: boolean;
  region?: string;
  account?: string;
  logLevel?: string;
  transitionDelayMs?: string;
  accountConcurrency?: string;
  maxWorkers?: string;
}

/** The flag that sets each Lambda option `up` exposes (for one-line errors that name what to fix). */
const LAMBDA_FLAGS: Partial<Record<keyof LambdaOptions, string>> = {
  accountConcurrency: '--account-concurrency (TRIBUTARY_ACCOUNT_CONCURRENCY)',
  maxWorkers: '--max-workers (TRIBUTARY_MAX_WORKERS)',
};

/** Flags win over TRIBUTARY_* environment variables, which win over defaults. */
export function upOptions(flags: UpFlags, env: NodeJS.ProcessEnv = process.env): StartOptions {
  const num = (v: string | undefined): number | undefined =>
    v === undefined || v === '' ? undefined : Number(v);
  return {
    port: num(flags.port ?? env['TRIBUTARY_PORT']),
    host: flags.host ?? env['TRIBUTARY_HOST'],
    dataDir: flags.dataDir ?? env['TRIBUTARY_DATA_DIR'],
    inMemory: flags.inMemory ?? (env['TRIBUTARY_IN_MEMORY'] === '1' || env['TRIBUTARY_IN_MEMORY'] === 'true'),
    region: flags.region ?? env['TRIBUTARY_REGION'],
    account: flags.account ?? env['TRIBUTARY_ACCOUNT'],
    logLevel: (flags.logLevel ?? env['TRIBUTARY_LOG_LEVEL']) as ServerOptions['logLevel'],
    transitionDelayMs: num(flags.transitionDelayMs ?? env['TRIBUTARY_TRANSITION_DELAY_MS']),
    lambda: {
      accountConcurrency: num(flags.accountConcurrency ?? env['TRIBUTARY_ACCOUNT_CONCURRENCY']),
      maxWorkers: num(flags.maxWorkers ?? env['TRIBUTARY_MAX_WORKERS']),
    },
  };
}

export async function up(flags: UpFlags): Promise<void> {
  let app: App;
  try {
    app = await startApp(upOptions(flags));
  } catch (err) {
    // A data dir the operator must fix (in use by another server, not a directory, not writable) or a bad
    // Lambda limit: one line, no stack, exit code 1.
    if (err instanceof LambdaOptionsError && LAMBDA_FLAGS[err.field] !== undefined) {
      process.stderr.write(`tributary: invalid ${LAMBDA_FLAGS[err.field]}: ${err.why}\n`);
      process.exit(1);
    }
    if (!(err instanceof DataDirError)) throw err;
    process.stderr.write(`tributary: ${err.message}\n`);
    process.exit(1);
  }
  const where = app.ctx.options.inMemory ? 'in memory' : `data in ${app.ctx.options.dataDir}`;
  // The one line scripts wait for.
  process.stdout.write(`Tributary listening on ${app.endpoint} (${where})\n`);
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    app.ctx.log.info({ signal }, 'shutting down');
    app.close().then(
      () => process.exit(0),
      (err: unknown) => {
        app.ctx.log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}
