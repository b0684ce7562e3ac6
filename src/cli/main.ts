import { Command } from 'commander';
import { flagFallback, flagHelp, UP_FLAGS, type UpFlags } from '../app/config.js';
import { up as startServer } from './up.js';
import { VERSION } from '../server/version.js';
import { logs } from './logs.js';
import { status } from './status.js';

const program = new Command('tributary')
  .description('Self-hosted Kinesis Data Streams + Lambda event source mappings')
  .version(VERSION);

const up = program
  .command('up', { isDefault: true })
  .description('start the server (the default command: `tributary` alone, or with these flags, runs it)');
for (const f of UP_FLAGS) up.option(f.spec, flagHelp(f));
up.action(async (flags: UpFlags) => {
  await startServer(flags);
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

// `tributary --help` shows the flags of the default command too, each with its variable and default.
const width = Math.max(...UP_FLAGS.map((f) => f.spec.length));
program.addHelpText(
  'after',
  [
    '',
    '`up` is the default command: `tributary`, or `tributary --port 4700`, starts the server.',
    'Its flags (a flag wins over its environment variable, which wins over the config file, then the default):',
    ...UP_FLAGS.flatMap((f) => [
      `  ${f.spec.padEnd(width)}  ${f.help}`,
      `  ${''.padEnd(width)}  ${flagFallback(f)}`,
    ]),
    '',
    'Commands that talk to a running server (status, logs) find it with --endpoint-url, TRIBUTARY_ENDPOINT,',
    'or http://127.0.0.1:$TRIBUTARY_PORT (default 4600).',
  ].join('\n'),
);

await program.parseAsync(process.argv);
