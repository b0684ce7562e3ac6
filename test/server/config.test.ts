import { compileLogsOptions } from '../../src/logs/options.js';
import { strict as assert } from 'node:assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { configErrorLine, resolveConfig, type ConfigSource } from '../../src/app/config.js';
import { compileLambdaOptions, defaultMaxWorkers } from '../../src/lambda/lambda-options.js';
import { compileMappingsOptions } from '../../src/mappings/options.js';
import { ConfigError } from '../../src/server/config-error.js';
import { compileServerOptions } from '../../src/server/options.js';
import { tempDir } from '../harness/helpers.js';
import { runRefusedServer, spawnServer, stopServer } from '../harness/server-process.js';

/** A config file reader over one in-memory file. */
const fileHolding =
  (doc: unknown) =>
  (file: string): string => {
    assert.equal(file, 'tributary.json');
    return JSON.stringify(doc);
  };

/** The test's environment without any TRIBUTARY_* variable, so that only what a test sets counts. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('TRIBUTARY_')));
  return { ...env, ...extra };
}

describe('configuration: defaults < config file < TRIBUTARY_* variables < flags', () => {
  it('the last layer that sets a field wins, for server and component options alike', () => {
    const file = fileHolding({ port: 5000, mappings: { retryMaxMs: 2000, retryBaseMs: 20 } });
    const none = resolveConfig({}, {}, file);
    assert.deepEqual(none, {}, 'nothing set: every component uses its defaults');
    assert.equal(compileMappingsOptions(none.mappings).retryMaxMs, 10_000);

    const fromFile = resolveConfig({ config: 'tributary.json' }, {}, file);
    assert.deepEqual(fromFile, { port: 5000, mappings: { retryMaxMs: 2000, retryBaseMs: 20 } });

    const env = {
      TRIBUTARY_CONFIG: 'tributary.json',
      TRIBUTARY_MAPPINGS_RETRY_MAX_MS: '3000',
      TRIBUTARY_PORT: '',
    };
    const fromEnv = resolveConfig({}, env, file);
    assert.deepEqual(
      fromEnv,
      { port: 5000, mappings: { retryMaxMs: 3000, retryBaseMs: 20 } },
      'empty is unset',
    );

    const sources = new Map<string, ConfigSource>();
    const fromFlags = resolveConfig({ mappingsRetryMaxMs: '4000', port: '6000' }, env, file, sources);
    assert.deepEqual(fromFlags, { port: 6000, mappings: { retryMaxMs: 4000, retryBaseMs: 20 } });
    assert.deepEqual(sources.get('mappings.retryMaxMs'), { from: 'flag', text: '4000' });
    assert.deepEqual(sources.get('mappings.retryBaseMs'), {
      from: 'file',
      file: 'tributary.json',
      value: 20,
    });
  });

  it('reads lists, booleans and every component section', () => {
    const o = resolveConfig(
      { lambdaAsyncRetryDelaysMs: '10,20', fanOutHeartbeatMs: '200' },
      { TRIBUTARY_LAMBDA_PRINT_FUNCTION_LOGS: 'false', TRIBUTARY_CLOUDWATCH_MAX_SERIES: '7' },
    );
    assert.deepEqual(o, {
      lambda: { asyncRetryDelaysMs: [10, 20], printFunctionLogs: false },
      fanOut: { heartbeatMs: 200 },
      cloudwatch: { maxSeries: 7 },
    });
  });

  it('reads the CloudWatch Logs section; a cap under 1 MiB is refused by name', () => {
    const sources = new Map<string, ConfigSource>();
    const o = resolveConfig(
      { logsMaxStoredBytes: '1000' },
      { TRIBUTARY_LOGS_RETENTION_SWEEP_MS: '5000' },
      undefined,
      sources,
    );
    assert.deepEqual(o.logs, { maxStoredBytes: 1000, retentionSweepMs: 5000 });
    try {
      compileLogsOptions(o.logs);
      assert.fail('refused expected');
    } catch (err) {
      assert.ok(err instanceof ConfigError, String(err));
      assert.equal(
        configErrorLine(err, sources),
        'tributary: invalid --logs-max-stored-bytes (TRIBUTARY_LOGS_MAX_STORED_BYTES): must be an integer of at least 1048576 (1 MiB), got "1000"',
      );
    }
  });

  it('reads runtime paths as runtime=path pairs; a label Tributary does not run is refused by name', () => {
    const o = resolveConfig(
      { runtimePath: 'nodejs22.x=/opt/node22/bin/node, python3.12=/usr/bin/python3.12' },
      { TRIBUTARY_RUNTIME_PATHS: 'python3.9=/usr/bin/python3.9' },
    );
    assert.deepEqual(o.lambda?.runtimePaths, {
      'nodejs22.x': '/opt/node22/bin/node',
      'python3.12': '/usr/bin/python3.12',
    });
    const env = resolveConfig({}, { TRIBUTARY_RUNTIME_PATHS: 'python3.9=/usr/bin/python3.9' });
    assert.deepEqual(env.lambda?.runtimePaths, { 'python3.9': '/usr/bin/python3.9' });
    assert.throws(
      () => compileLambdaOptions({ runtimePaths: { java21: '/usr/bin/java' } }),
      (err: unknown) =>
        err instanceof ConfigError &&
        err.field === 'lambda.runtimePaths' &&
        /java21 is not a nodejs\* or python3\.\* runtime/.test(err.why),
    );
  });

  it('reads more accounts from the file, the variable or the flag; a bad entry is named, its secret never shown', () => {
    const keys = { accessKeyId: 'AKIAROOTKEYOFDEFAULT', secretAccessKey: 'default-root-secret-0123456789' };
    const b = {
      id: '222222222222',
      accessKeyId: 'AKIAROOTKEYOFBBBBBB1',
      secretAccessKey: 'b-root-secret:with-colon',
    };
    const fromFile = resolveConfig({ config: 'tributary.json' }, {}, fileHolding({ ...keys, accounts: [b] }));
    assert.deepEqual(compileServerOptions(fromFile).accounts, [b]);
    const env = { TRIBUTARY_ACCOUNTS: `${b.id}:${b.accessKeyId}:${b.secretAccessKey}` };
    assert.deepEqual(resolveConfig({}, env).accounts, [b], 'a secret may hold a colon');
    const flag = resolveConfig(
      { accounts: `333333333333:AKIAROOTKEYOFCCCCCC1:c-root-secret-0123456789` },
      env,
    );
    assert.equal(flag.accounts?.[0]?.id, '333333333333', 'the flag wins');

    const refused = (doc: object, env: Record<string, string> = {}): string => {
      const sources = new Map<string, ConfigSource>();
      try {
        compileServerOptions(resolveConfig({ config: 'tributary.json' }, env, fileHolding(doc), sources));
      } catch (err) {
        assert.ok(err instanceof ConfigError, String(err));
        return configErrorLine(err, sources);
      }
      assert.fail('refused expected');
    };
    assert.equal(
      refused({ ...keys, accounts: [{ ...b, id: '000000000000' }] }),
      'tributary: invalid accounts in tributary.json: entry 1: account 000000000000 is given twice (or is the default account)',
    );
    assert.equal(
      refused({ ...keys, accounts: [{ ...b, accessKeyId: keys.accessKeyId }] }),
      `tributary: invalid accounts in tributary.json: entry 1: access key ${keys.accessKeyId} belongs to another account`,
    );
    assert.equal(
      refused(keys, { TRIBUTARY_ACCOUNTS: `${b.id}:${b.accessKeyId}:short-secret` }),
      'tributary: invalid --accounts (TRIBUTARY_ACCOUNTS): entry 1: secretAccessKey must be at least 16 characters',
      'the variable that set it is named, not its value',
    );
    assert.throws(
      () => compileServerOptions({ accounts: [b] }),
      (err: unknown) => err instanceof ConfigError && err.field === 'accounts' && /root keys/.test(err.why),
    );
  });

  it('a bad entry names the field and where it was set, in one line', () => {
    const fail = (doc: unknown, flags: Record<string, string> = {}): string => {
      const sources = new Map<string, ConfigSource>();
      try {
        compileMappingsOptions(
          resolveConfig({ config: 'tributary.json', ...flags }, {}, fileHolding(doc), sources).mappings,
        );
      } catch (err) {
        assert.ok(err instanceof ConfigError, String(err));
        return configErrorLine(err, sources);
      }
      assert.fail('refused expected');
    };
    assert.equal(
      fail({ mappings: { retryMaxMs: 5, retryBaseMs: 10 } }),
      'tributary: invalid mappings.retryMaxMs in tributary.json: must be >= retryBaseMs, got 5',
    );
    assert.equal(
      fail({ mappings: { retryMaxMs: '5' } }),
      'tributary: invalid mappings.retryMaxMs in tributary.json: must be a JSON number, got "5"',
    );
    assert.equal(
      fail({ mappings: { retryMax: 5 } }),
      'tributary: invalid mappings.retryMax in tributary.json: is not an option, got 5',
    );
    assert.equal(
      fail({}, { mappingsRetryMaxMs: 'soon' }),
      'tributary: invalid --mappings-retry-max-ms (TRIBUTARY_MAPPINGS_RETRY_MAX_MS): must be >= retryBaseMs, got "soon"',
    );
  });
});

describe('tributary up --config', () => {
  it('a file sets lambda.maxWorkers; TRIBUTARY_MAX_WORKERS wins over it; --max-workers wins over both', async () => {
    assert.ok(![3, 4, 5].includes(defaultMaxWorkers()), 'the default must differ from the values set here');
    const file = join(tempDir(), 'tributary.json');
    writeFileSync(file, JSON.stringify({ inMemory: true, lambda: { maxWorkers: 3 } }));
    const cases: Array<[string[], Record<string, string>, number]> = [
      [['--config', file], {}, 3],
      [['--config', file], { TRIBUTARY_MAX_WORKERS: '4' }, 4],
      [['--max-workers', '5'], { TRIBUTARY_CONFIG: file, TRIBUTARY_MAX_WORKERS: '4' }, 5],
    ];
    for (const [args, vars, workers] of cases) {
      const server = await spawnServer(args, { env: cleanEnv(vars) });
      try {
        const metrics = await (await fetch(`${server.endpoint}/metrics`)).text();
        assert.match(metrics, new RegExp(`^tributary_lambda_max_workers ${workers}$`, 'm'), args.join(' '));
      } finally {
        assert.equal(await stopServer(server), 0);
      }
    }
  });

  it('a bad value in the file is one line naming the field and the file, exit 1', async () => {
    const file = join(tempDir(), 'tributary.json');
    writeFileSync(file, JSON.stringify({ inMemory: true, lambda: { maxWorkers: 0 } }));
    const r = await runRefusedServer(['--config', file], { env: cleanEnv() });
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.equal(
      r.stderr,
      `tributary: invalid lambda.maxWorkers in ${file}: must be a positive integer, got 0\n`,
    );
    const missing = await runRefusedServer(['--config', `${file}.gone`], { env: cleanEnv() });
    assert.equal(missing.code, 1);
    assert.match(
      missing.stderr,
      /^tributary: invalid --config \(TRIBUTARY_CONFIG\): cannot read \S+\.gone \(ENOENT[^\n]*\), got "\S+"\n$/,
    );
  });
});
