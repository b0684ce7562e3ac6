import { Command } from 'commander';
import { flagFallback, flagHelp, UP_FLAGS, type UpFlags } from '../app/config.js';
import { up as startServer } from './up.js';
import { VERSION } from '../server/version.js';
import { examples, runCommand, serverOptions } from './common.js';
import { logs, type LogsFlags } from './logs.js';
import { status, type StatusFlags } from './status.js';
import { waitDrained, type WaitFlags } from './wait.js';

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

examples(
  serverOptions(
    program
      .command('logs <function>')
      .description("print a Lambda function's log (START/END/REPORT lines included)")
      .option('-f, --follow', 'keep printing new lines until interrupted')
      .option('-n, --lines <n>', 'how many past lines to print first', '100'),
  ),
  ['tributary logs ProcessKinesisRecords', 'tributary logs ProcessKinesisRecords --follow --lines 0'],
).action((fn: string, flags: LogsFlags) => runCommand(() => logs(fn, flags)));

examples(
  serverOptions(
    program
      .command('status')
      .description('show streams, event source mappings and functions with their metrics')
      .option('-w, --watch', 'redraw until interrupted')
      .option('--interval <seconds>', 'seconds between redraws with --watch', '2'),
  ),
  ['tributary status', 'tributary status --watch --interval 1', 'tributary status --json | jq .mappings'],
).action((flags: StatusFlags) => runCommand(() => status(flags)));

examples(
  serverOptions(
    program
      .command('wait <mapping-uuid>')
      .description(
        'return once an event source mapping has processed every record written to its stream so far ' +
          '(exit code 1 if --timeout comes first)',
      )
      .option('--timeout <seconds>', 'give up after this many seconds (at most 900)', '60'),
  ),
  [
    'tributary wait 6d9bce8e-a5c3-4a8b-9d8a-6f1f0c3f2a1b',
    'aws lambda list-event-source-mappings --query "EventSourceMappings[].UUID" --output text | xargs -n1 tributary wait',
  ],
).action((uuid: string, flags: WaitFlags) => runCommand(() => waitDrained(uuid, flags)));

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
    'Commands that talk to a running server find it with --endpoint (or --endpoint-url), TRIBUTARY_ENDPOINT,',
    'or http://127.0.0.1:$TRIBUTARY_PORT (default 4600).',
  ].join('\n'),
);

await program.parseAsync(process.argv);
