import { skipReason } from '../harness/helpers.js';
import { strict as assert } from 'node:assert';
import { execFile, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, describe, it } from 'node:test';
import { resolveConfig, UP_FLAGS } from '../../src/app/config.js';
import {
  runRefusedServer,
  spawnServer,
  stopServer,
  type ServerProcess,
  oneLine,
} from '../harness/server-process.js';

const exec = promisify(execFile);
const BIN = fileURLToPath(new URL('../../bin/tributary.js', import.meta.url));

describe('tributary up: one-line errors, exit code 1', () => {
  const servers: ServerProcess[] = [];
  after(async () => {
    for (const s of servers) await s.kill9();
  });

  it('a port in use names the port and the way out', async () => {
    const first = await spawnServer(['--in-memory']);
    servers.push(first);
    const port = new URL(first.endpoint).port;
    assert.equal(
      oneLine(await runRefusedServer(['--in-memory', '--port', port])),
      `tributary: port ${port} is in use — is another Tributary running? use --port`,
    );
    // Through the environment as well.
    assert.equal(
      oneLine(
        await runRefusedServer(['--in-memory'], {
          bare: true,
          env: { ...process.env, TRIBUTARY_PORT: port },
        }),
      ),
      `tributary: port ${port} is in use — is another Tributary running? use --port`,
    );
    assert.equal(await stopServer(first), 0);
  });

  it('bad --port, --host, --log-level, --transition-delay-ms and other values name the flag and its variable', async () => {
    const cases: Array<[string[], string]> = [
      [['--port', 'abc'], 'invalid --port (TRIBUTARY_PORT): must be an integer 0-65535, got "abc"'],
      [['--port', '65536'], 'invalid --port (TRIBUTARY_PORT): must be an integer 0-65535, got "65536"'],
      [['--port', '80.5'], 'invalid --port (TRIBUTARY_PORT): must be an integer 0-65535, got "80.5"'],
      [['--port', '0x10'], 'invalid --port (TRIBUTARY_PORT): must be an integer 0-65535, got "0x10"'],
      [
        ['--host', 'not a host'],
        'invalid --host (TRIBUTARY_HOST): must be an IP address or a host name, got "not a host"',
      ],
      [
        ['--log-level', 'loud'],
        'invalid --log-level (TRIBUTARY_LOG_LEVEL): must be one of fatal|error|warn|info|debug|trace|silent, got "loud"',
      ],
      [
        ['--transition-delay-ms', '-1'],
        'invalid --transition-delay-ms (TRIBUTARY_TRANSITION_DELAY_MS): must be a number of milliseconds >= 0, got "-1"',
      ],
      [
        ['--transition-delay-ms', 'soon'],
        'invalid --transition-delay-ms (TRIBUTARY_TRANSITION_DELAY_MS): must be a number of milliseconds >= 0, got "soon"',
      ],
      [
        ['--shutdown-timeout-ms', '1.5'],
        'invalid --shutdown-timeout-ms (TRIBUTARY_SHUTDOWN_TIMEOUT_MS): must be an integer number of milliseconds >= 0, got "1.5"',
      ],
      [['--region', 'mars'], 'invalid --region (TRIBUTARY_REGION): must look like us-east-1, got "mars"'],
      [['--account', '42'], 'invalid --account (TRIBUTARY_ACCOUNT): must be 12 digits, got "42"'],
      [['--data-dir', ''], 'invalid --data-dir (TRIBUTARY_DATA_DIR): must be a directory path, got ""'],
    ];
    const results = await Promise.all(cases.map(([args]) => runRefusedServer(['--in-memory', ...args])));
    for (const [i, [, line]] of cases.entries()) assert.equal(oneLine(results[i]!), `tributary: ${line}`);
  });

  it('a bad value from the environment is named with its variable', async () => {
    const env = (vars: Record<string, string>): NodeJS.ProcessEnv => ({ ...process.env, ...vars });
    const [level, memory] = await Promise.all([
      runRefusedServer(['--in-memory', '--port', '0'], {
        bare: true,
        env: env({ TRIBUTARY_LOG_LEVEL: 'verbose' }),
      }),
      runRefusedServer(['--port', '0'], { bare: true, env: env({ TRIBUTARY_IN_MEMORY: 'yes' }) }),
    ]);
    assert.equal(
      oneLine(level),
      'tributary: invalid --log-level (TRIBUTARY_LOG_LEVEL): must be one of fatal|error|warn|info|debug|trace|silent, ' +
        'got TRIBUTARY_LOG_LEVEL="verbose"',
    );
    assert.equal(
      oneLine(memory),
      'tributary: invalid --in-memory (TRIBUTARY_IN_MEMORY): must be true or false, got TRIBUTARY_IN_MEMORY="yes"',
    );
  });

  it('a host beyond loopback without credentials: anyone reaching the port could run code', async () => {
    assert.equal(
      oneLine(await runRefusedServer(['--in-memory', '--host', '0.0.0.0'])),
      'tributary: invalid --host (TRIBUTARY_HOST): 0.0.0.0 is reachable beyond this machine and no credentials are set, so anyone reaching the port could run code (CreateFunction): set accessKeyId and secretAccessKey (SigV4 is then checked), or accept any caller with auth off, got "0.0.0.0"',
    );
  });

  it('a host that does not resolve, or is not on this machine', async () => {
    // --auth off: the bind errors are what is checked here, not the refusal to listen beyond loopback unsigned.
    const [unknown, foreign] = await Promise.all([
      runRefusedServer(['--in-memory', '--auth', 'off', '--host', 'no-such-host.invalid']),
      // TEST-NET-1 (RFC 5737): never an address of this machine.
      runRefusedServer(['--in-memory', '--auth', 'off', '--host', '192.0.2.1']),
    ]);
    assert.equal(
      oneLine(unknown),
      'tributary: cannot listen on no-such-host.invalid: the host name does not resolve — use --host',
    );
    assert.equal(
      oneLine(foreign),
      'tributary: cannot listen on 192.0.2.1: not an address of this machine — use --host',
    );
  });

  // Root may bind any port: drop every capability through setpriv (util-linux) where the test runs as root.
  const root = process.getuid?.() === 0;
  const setpriv = spawnSync('setpriv', ['--version']).status === 0;
  it(
    'a privileged port without the privilege',
    { skip: skipReason(root && !setpriv ? 'running as root without setpriv to drop privileges' : false) },
    async () => {
      // Root without any capability: it still owns (and reads) the checkout wherever it was cloned, which
      // nobody may not be able to reach (a mktemp -d clone is mode 700).
      const wrap = root ? ['setpriv', '--bounding-set=-all', '--inh-caps=-all'] : [];
      assert.equal(
        oneLine(await runRefusedServer(['--in-memory', '--port', '80'], { wrap })),
        'tributary: no permission to listen on port 80 (ports below 1024 need privileges) — use --port',
      );
    },
  );
});

describe('tributary up options', () => {
  it('flags win over TRIBUTARY_* variables, which win over defaults; empty variables are unset', () => {
    const env = {
      TRIBUTARY_PORT: '5000',
      TRIBUTARY_HOST: '0.0.0.0',
      TRIBUTARY_LOG_LEVEL: '',
      TRIBUTARY_IN_MEMORY: 'true',
      TRIBUTARY_SHUTDOWN_TIMEOUT_MS: '2500',
    };
    const o = resolveConfig({ port: '6000', logLevel: 'warn' }, env);
    assert.equal(o.port, 6000);
    assert.equal(o.host, '0.0.0.0');
    assert.equal(o.logLevel, 'warn');
    assert.equal(o.inMemory, true);
    assert.equal(o.shutdownTimeoutMs, 2500);
    assert.equal(resolveConfig({}, env).logLevel, undefined, 'an empty variable leaves the default');
    assert.equal(resolveConfig({ inMemory: true }, { TRIBUTARY_IN_MEMORY: '0' }).inMemory, true);
    assert.equal(resolveConfig({}, { TRIBUTARY_IN_MEMORY: '0' }).inMemory, false);
    assert.ok(Number.isNaN(resolveConfig({ port: '12abc' }, {}).port), 'numbers are read strictly');
    assert.equal(resolveConfig({ transitionDelayMs: '0.5' }, {}).transitionDelayMs, 0.5);
  });
});

describe('tributary --help', () => {
  it('says `up` is the default command and lists every flag of up with its variable and default', async () => {
    const { stdout } = await exec(process.execPath, [BIN, '--help']);
    assert.match(stdout, /^ {2}up \[options\] +start the server \(the default command/m);
    assert.match(stdout, /^`up` is the default command/m);
    const lines = stdout.split('\n');
    for (const f of UP_FLAGS) {
      const at = lines.findIndex((l) => l.startsWith(`  ${f.spec} `));
      assert.ok(at >= 0, `${f.spec} listed in:\n${stdout}`);
      assert.match(lines[at + 1]!, new RegExp(`^ +env ${f.env}\\b.*, default \\S`), `${f.spec}'s variable`);
    }
    // The flags are those `up` takes: its own help lists the same ones.
    const { stdout: upHelp } = await exec(process.execPath, [BIN, 'up', '--help']);
    const specs = [...upHelp.matchAll(/^ {2}(--[a-z-]+(?: <[^>]+>)?) /gm)].map((m) => m[1]);
    // ...then the flags that deploy a SAM template at start (`up --template`), which have no variable.
    assert.deepEqual(specs, [
      ...UP_FLAGS.map((f) => f.spec),
      '--template <file>',
      '--stack-name <name>',
      '--parameter-overrides <key=value...>',
    ]);
    assert.match(upHelp, /env TRIBUTARY_MAX_WORKERS/);
    const { stdout: version } = await exec(process.execPath, [BIN, '--version']);
    assert.match(version, /^\d+\.\d+\.\d+\n$/);
  });

  it('an unknown flag is a usage error (exit code 1, no stack) that suggests the right one', async () => {
    const r = await runRefusedServer(['--prot', '4700']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, "error: unknown option '--prot'\n(Did you mean --port?)\n");
  });
});
