// Commands load their modules when they run: `tributary up` never loads the AWS SDK clients the others use.
import { Command } from 'commander';
import { flagFallback, flagHelp, UP_FLAGS, type UpFlags } from '../app/config.js';
import { up as startServer } from './up.js';
import { VERSION } from '../server/version.js';
import { examples, runCommand, serverOptions, type ServerFlags } from './common.js';
import type { LogsFlags } from './logs.js';
import type { StatusFlags } from './status.js';
import type { WaitFlags } from './wait.js';
import type { PutFlags } from './put.js';
import type { TailFlags } from './tail.js';
import type { InvokeFlags } from './invoke.js';
import type { ReplayFlags } from './replay.js';
import type { DeployFlags } from './deploy.js';

const program = new Command('tributary')
  .description('Self-hosted Kinesis Data Streams + Lambda event source mappings')
  .version(VERSION);

const up = program
  .command('up', { isDefault: true })
  .description('start the server (the default command: `tributary` alone, or with these flags, runs it)');
for (const f of UP_FLAGS) up.option(f.spec, flagHelp(f));
examples(up, [
  'tributary up',
  'tributary up --port 4700 --data-dir /tmp/tributary',
  'tributary up --in-memory --template examples/kinesis-sam/template.yaml',
]);
up.option('--template <file>', 'deploy this SAM template once the server has started (see `deploy`)')
  .option('--stack-name <name>', "the template's stack name (default: its directory's name)")
  .option('--parameter-overrides <key=value...>', "the template's parameters");
up.action(async (flags: UpFlags & { parameterOverrides?: string[] }) => {
  const { template, stackName, parameterOverrides, ...rest } = flags;
  // The deploy's modules (the AWS SDK clients) are loaded only with --template: `up` alone starts faster.
  const parseOverrides =
    typeof template === 'string' ? (await import('./deploy.js')).parseOverrides : () => ({});
  await startServer(
    rest,
    typeof template === 'string'
      ? {
          file: template,
          ...(typeof stackName === 'string' ? { stackName } : {}),
          overrides: parseOverrides(parameterOverrides),
        }
      : undefined,
  );
});

examples(
  serverOptions(
    program
      .command('deploy <template>')
      .description(
        'deploy a SAM / CloudFormation template to a running server: creates, updates in place, removes what ' +
          'left the template, and prints the changes (+ created, ~ updated, - removed)',
      )
      .option('--stack-name <name>', "the stack's name (default: the template's directory name)")
      .option('--parameter-overrides <key=value...>', "the template's parameters")
      .option('-w, --watch', "stay, and deploy again when a function's CodeUri changes"),
  ),
  [
    'tributary deploy examples/kinesis-sam/template.yaml',
    'tributary deploy template.yaml --parameter-overrides BatchSize=10 StreamName=orders',
    'tributary deploy template.yaml --watch',
    'tributary deploy template.yaml --endpoint http://build-box:4600 --json',
    'tributary up --in-memory --template examples/kinesis-sam/template.yaml',
  ],
).action((file: string, flags: DeployFlags) =>
  runCommand(async () => (await import('./deploy.js')).deploy(file, flags)),
);

examples(
  serverOptions(
    program
      .command('logs <function>')
      .description("print a Lambda function's log (START/END/REPORT lines included)")
      .option('-f, --follow', 'keep printing new lines until interrupted')
      .option('-n, --lines <n>', 'how many past lines to print first', '100'),
  ),
  ['tributary logs ProcessKinesisRecords', 'tributary logs ProcessKinesisRecords --follow --lines 0'],
).action((fn: string, flags: LogsFlags) =>
  runCommand(async () => (await import('./logs.js')).logs(fn, flags)),
);

examples(
  serverOptions(
    program
      .command('status')
      .description('show streams, event source mappings and functions with their metrics')
      .option('-w, --watch', 'redraw until interrupted')
      .option('--interval <seconds>', 'seconds between redraws with --watch', '2'),
  ),
  ['tributary status', 'tributary status --watch --interval 1', 'tributary status --json | jq .mappings'],
).action((flags: StatusFlags) => runCommand(async () => (await import('./status.js')).status(flags)));

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
).action((uuid: string, flags: WaitFlags) =>
  runCommand(async () => (await import('./wait.js')).waitDrained(uuid, flags)),
);

examples(
  serverOptions(
    program
      .command('put <stream> <data>')
      .description('put a record (DATA as text, @file for a file, - for stdin); --count N puts N records')
      .requiredOption('-k, --key <partition-key>', "partition key ('{i}' is the record's index with --count)")
      .option('-c, --count <n>', 'put N records (PutRecords of 500), with a progress bar on a terminal'),
  ),
  [
    'tributary put lambda-stream --key 1 "Hello, this is a test."',
    'tributary put lambda-stream --key user-7 @event.json',
    'echo \'{"n":1}\' | tributary put lambda-stream --key k -',
    "tributary put lambda-stream --key 'user-{i}' --count 10000 '{\"n\":{i}}'",
  ],
).action((stream: string, data: string, flags: PutFlags) =>
  runCommand(async () => (await import('./put.js')).put(stream, data, flags)),
);

examples(
  serverOptions(
    program
      .command('tail <stream>')
      .description("print a stream's records as they arrive, from every shard")
      .option(
        '--from <position>',
        'trim-horizon, latest, or a timestamp (ISO 8601 or epoch seconds)',
        'latest',
      )
      .option(
        '--filter <pattern>',
        'show only records an event filtering pattern matches (as a mapping would)',
      )
      .option('--no-follow', 'stop once every shard is read to its tip'),
  ),
  [
    'tributary tail lambda-stream',
    'tributary tail lambda-stream --from trim-horizon --no-follow --json',
    'tributary tail lambda-stream --from 2026-12-07T06:00:00Z',
    `tributary tail orders --filter '{"data": {"status": ["failed"]}}'`,
  ],
).action((stream: string, flags: TailFlags) =>
  runCommand(async () => (await import('./tail.js')).tail(stream, flags)),
);

examples(
  serverOptions(
    program
      .command('invoke <function> [payload]')
      .description('invoke a function once, synchronously (PAYLOAD as JSON text, @file or -; default {})')
      .option('-q, --qualifier <version-or-alias>', 'invoke this version or alias')
      .option('--log', "print the invocation's log tail on stderr"),
  ),
  [
    'tributary invoke ProcessKinesisRecords @event.json --log',
    `tributary invoke my-function '{"hello": "world"}' --json`,
  ],
).action((fn: string, payload: string | undefined, flags: InvokeFlags) =>
  runCommand(async () => (await import('./invoke.js')).invoke(fn, payload, flags)),
);

examples(
  serverOptions(
    program
      .command('replay <mapping-uuid>')
      .description(
        "invoke a mapping's function again with a failed batch's records (exit code 1 if it fails again)",
      )
      .option('--from-failure <message>', 'the on-failure destination message: JSON text, @file or -')
      .option('--shard <shard-id>', 'or name the batch: its shard...')
      .option('--from <sequence-number>', '...its first record...')
      .option('--to <sequence-number>', '...and its last')
      .option('-q, --qualifier <version-or-alias>', 'invoke this version or alias instead'),
  ),
  [
    'tributary replay 6d9bce8e-a5c3-4a8b-9d8a-6f1f0c3f2a1b --from-failure @failure.json',
    'tributary replay 6d9bce8e-... --shard shardId-000000000000 --from 4960... --to 4960...',
    'aws sqs receive-message --queue-url $E/000000000000/kinesis-failures --query "Messages[0].Body" --output text \\',
    '    | tributary replay 6d9bce8e-... --from-failure -',
  ],
).action((uuid: string, flags: ReplayFlags) =>
  runCommand(async () => (await import('./replay.js')).replay(uuid, flags)),
);

examples(
  serverOptions(
    program
      .command('console-link')
      .description(
        'print a new one-time sign-in link for the web console of a server that checks signatures ' +
          '(it signs the browser in as the caller, works once, for an hour)',
      ),
  ),
  ['tributary console-link', 'tributary console-link --endpoint http://10.0.0.5:4600'],
).action((flags: ServerFlags) =>
  runCommand(async () => (await import('./console-link.js')).consoleLink(flags)),
);

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
