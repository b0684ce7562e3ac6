import { Command } from 'commander';
import { up } from './up.js';
import { logs } from './logs.js';
import { status } from './status.js';

const program = new Command('tributary').description(
  'Self-hosted Kinesis Data Streams + Lambda event source mappings',
);

program
  .command('up', { isDefault: true })
  .description('start the server')
  .option('--port <port>', 'TCP port (env TRIBUTARY_PORT)', undefined)
  .option('--host <host>', 'interface to bind (env TRIBUTARY_HOST)')
  .option('--data-dir <dir>', 'data directory (env TRIBUTARY_DATA_DIR)')
  .option('--in-memory', 'keep nothing on disk (env TRIBUTARY_IN_MEMORY=1)')
  .option('--region <region>', 'region used in ARNs (env TRIBUTARY_REGION)')
  .option('--account <id>', 'account id used in ARNs (env TRIBUTARY_ACCOUNT)')
  .option('--log-level <level>', 'fatal|error|warn|info|debug|trace|silent (env TRIBUTARY_LOG_LEVEL)')
  .option(
    '--transition-delay-ms <ms>',
    'how long CREATING/UPDATING/DELETING last (env TRIBUTARY_TRANSITION_DELAY_MS)',
  )
  .option(
    '--account-concurrency <n>',
    'AWS account concurrency: invocations beyond it are throttled, default 1000 (env TRIBUTARY_ACCOUNT_CONCURRENCY)',
  )
  .option(
    '--max-workers <n>',
    'worker processes alive at once; more invocations wait, default from CPUs and memory (env TRIBUTARY_MAX_WORKERS)',
  )
  .action(async (flags) => {
    await up(flags);
  });

program
  .command('logs <function>')
  .description("print a Lambda function's log from a running server (START/END/REPORT lines included)")
  .option('-f, --follow', 'keep printing new lines until interrupted')
  .option('-n, --lines <n>', 'how many past lines to print first', '100')
  .option(
    '--endpoint-url <url>',
    'server to ask (env TRIBUTARY_ENDPOINT, default http://127.0.0.1:$TRIBUTARY_PORT or 4600)',
  )
  .action(async (fn: string, flags) => {
    process.exitCode = await logs(fn, flags);
  });

program
  .command('status')
  .description('show streams, event source mappings and functions of a running server, with their metrics')
  .option('-w, --watch', 'redraw until interrupted')
  .option('--interval <seconds>', 'seconds between redraws with --watch', '2')
  .option(
    '--endpoint <url>',
    'server to ask (env TRIBUTARY_ENDPOINT, default http://127.0.0.1:$TRIBUTARY_PORT or 4600)',
  )
  .option('--endpoint-url <url>', 'same as --endpoint')
  .option('--json', 'print the raw status report as JSON')
  .action(async (flags) => {
    process.exitCode = await status(flags);
  });

await program.parseAsync(process.argv);
