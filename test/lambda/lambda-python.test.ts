import { strict as assert } from 'node:assert';
import { execFile, execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import {
  GetFunctionConfigurationCommand,
  InvokeCommand,
  UpdateFunctionCodeCommand,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import type { App } from '../../src/app/app.js';
import {
  awsCli,
  rawBlobArgs,
  region,
  skipReason,
  startTestServer,
  tempDir,
  waitFor,
} from '../harness/helpers.js';
import {
  createPythonFunction,
  decode,
  invokeFunction,
  lambdaClient,
  makeZip,
  ROLE,
  logOf,
} from './lambda-helpers.js';
import { python3Missing, withPythonServer } from './python-helpers.js';

const exec = promisify(execFile);

const skip = skipReason(python3Missing());

type PyError = { errorType: string; errorMessage: string; requestId: string; stackTrace: string[] };

// Handlers, errors, clients, status and restarts; pre-started Python runtimes (spares) are in
// lambda-python-spares.test.ts.
describe('Python functions (python3.* runtimes)', { skip }, () => {
  let app: App;
  let c: LambdaClient;
  withPythonServer((a, client) => {
    app = a;
    c = client;
  });

  it('runs pkg/sub/file.function with the context object, module init once, vendored packages and Lambda log lines', async () => {
    await createPythonFunction(
      c,
      'py-ctx',
      '',
      { Handler: 'pkg/sub/app.handler', Timeout: 7 },
      {
        'pkg/__init__.py': '',
        'pkg/sub/__init__.py': '',
        // As `pip install -t .` leaves a dependency: a top-level package beside the handler.
        'vendored/__init__.py': 'NAME = "vendored"\n',
        'pkg/sub/app.py': `
import logging, os, sys
import vendored
logger = logging.getLogger()
logger.setLevel(logging.INFO)
INITS = [os.getpid()]
def handler(event, context):
    print("printed", event["n"])
    logger.info("info %s", event["n"])
    logging.getLogger("child").warning("warned")
    return {
        "event": event, "inits": len(INITS), "pid": os.getpid(), "vendored": vendored.NAME,
        "path0": sys.path[0], "root": os.environ["LAMBDA_TASK_ROOT"],
        "ctx": {k: getattr(context, k) for k in ["function_name", "function_version", "invoked_function_arn",
            "memory_limit_in_mb", "aws_request_id", "log_group_name", "log_stream_name", "identity", "client_context"]},
        "remaining": context.get_remaining_time_in_millis(),
        "exec": os.environ["AWS_EXECUTION_ENV"], "handler": os.environ["_HANDLER"],
    }
`,
      },
    );
    const r1 = await invokeFunction(c, 'py-ctx', { n: 1 }, true);
    const r2 = await invokeFunction(c, 'py-ctx', { n: 2 }, true);
    assert.equal(r1.FunctionError, undefined);
    const [o1, o2] = [decode(r1.Payload), decode(r2.Payload)] as Array<Record<string, unknown>>;
    assert.deepEqual(o2!['event'], { n: 2 });
    assert.equal(o2!['inits'], 1);
    assert.equal(o1!['pid'], o2!['pid']);
    assert.equal(o2!['vendored'], 'vendored');
    assert.equal(o2!['path0'], o2!['root']);
    assert.equal(o2!['exec'], 'AWS_Lambda_python3.11');
    assert.equal(o2!['handler'], 'pkg/sub/app.handler');
    const ctx = o2!['ctx'] as Record<string, unknown>;
    assert.equal(ctx['function_name'], 'py-ctx');
    assert.equal(ctx['function_version'], '$LATEST');
    assert.equal(ctx['invoked_function_arn'], `arn:aws:lambda:${region}:000000000000:function:py-ctx`);
    assert.equal(ctx['memory_limit_in_mb'], '128');
    assert.equal(ctx['aws_request_id'], r2.$metadata.requestId);
    assert.equal(ctx['log_group_name'], '/aws/lambda/py-ctx');
    assert.match(String(ctx['log_stream_name']), /^\d{4}\/\d\d\/\d\d\/\[\$LATEST\][0-9a-f]{32}$/);
    assert.equal(ctx['identity'], null);
    assert.equal(ctx['client_context'], null);
    const remaining = Number(o2!['remaining']);
    assert.ok(remaining > 3000 && remaining <= 7000, `remaining ${remaining}`);
    const log = logOf(r2);
    const id = r2.$metadata.requestId!;
    assert.match(log, /\nprinted 2\n/);
    // The root logger's handler: [LEVEL]\ttimestamp\trequestId\tmessage, as AWS's Python runtime writes it.
    assert.match(
      log,
      new RegExp(`\\n\\[INFO\\]\\t\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z\\t${id}\\tinfo 2\\n`),
    );
    assert.match(log, new RegExp(`\\n\\[WARNING\\]\\t[^\\t]+\\t${id}\\twarned\\n`));
  });

  it('an exception returns errorMessage, errorType, requestId and stackTrace, and logs [ERROR]; an unserialisable result is Runtime.MarshalError', async () => {
    await createPythonFunction(
      c,
      'py-raise',
      `def lambda_handler(event, context):\n    raise KeyError("missing")\n`,
    );
    const r = await invokeFunction(c, 'py-raise', {}, true);
    assert.equal(r.FunctionError, 'Unhandled');
    const err = decode(r.Payload) as PyError;
    assert.deepEqual(Object.keys(err), ['errorMessage', 'errorType', 'requestId', 'stackTrace']);
    assert.equal(err.errorType, 'KeyError');
    assert.equal(err.errorMessage, "'missing'");
    assert.equal(err.requestId, r.$metadata.requestId);
    assert.equal(err.stackTrace.length, 1);
    assert.match(err.stackTrace[0]!, /^ {2}File ".*lambda_function\.py", line 2, in lambda_handler\n/);
    // One log event: the lines of the report joined by CR, the trace indented with no-break spaces.
    assert.match(
      logOf(r),
      /\n\[ERROR\] KeyError: 'missing'\rTraceback \(most recent call last\):\r\u00a0\u00a0File "/,
    );
    assert.equal((await invokeFunction(c, 'py-raise', {}, true)).FunctionError, 'Unhandled');
    // A result json cannot write: AWS's Runtime.MarshalError, and the worker serves on.
    await createPythonFunction(
      c,
      'py-marshal',
      'import os\ndef lambda_handler(event, context):\n    return {1, 2} if event.get("set") else os.getpid()\n',
    );
    const pid = decode((await invokeFunction(c, 'py-marshal', {}, true)).Payload);
    const m = await invokeFunction(c, 'py-marshal', { set: true }, true);
    assert.equal(m.FunctionError, 'Unhandled');
    const me = decode(m.Payload) as PyError;
    assert.equal(me.errorType, 'Runtime.MarshalError');
    assert.equal(me.errorMessage, 'Unable to marshal response: Object of type set is not JSON serializable');
    assert.equal(decode((await invokeFunction(c, 'py-marshal', {}, true)).Payload), pid);
  });

  it('init failures: Runtime.ImportModuleError, Runtime.HandlerNotFound, Runtime.UserCodeSyntaxError with AWS texts', async () => {
    await createPythonFunction(c, 'py-noimport', 'import not_installed_anywhere\n');
    const a = decode((await invokeFunction(c, 'py-noimport', undefined, true)).Payload) as PyError;
    assert.equal(a.errorType, 'Runtime.ImportModuleError');
    assert.equal(
      a.errorMessage,
      "Unable to import module 'lambda_function': No module named 'not_installed_anywhere'",
    );
    await createPythonFunction(c, 'py-nohandler', 'def other(e, c):\n    return 1\n');
    const b = await invokeFunction(c, 'py-nohandler', undefined, true);
    const be = decode(b.Payload) as PyError;
    assert.equal(be.errorType, 'Runtime.HandlerNotFound');
    assert.equal(be.errorMessage, "Handler 'lambda_handler' missing on module 'lambda_function'");
    assert.match(logOf(b), /Status: error\tError Type: Runtime\.HandlerNotFound/);
    await createPythonFunction(c, 'py-syntax', 'def lambda_handler(e, c)\n    return 1\n');
    const s = decode((await invokeFunction(c, 'py-syntax', undefined, true)).Payload) as PyError;
    assert.equal(s.errorType, 'Runtime.UserCodeSyntaxError');
    assert.match(s.errorMessage, /^Syntax error in module 'lambda_function': /);
  });

  it('sys.exit, a timeout and running out of memory fail only that invoke', async () => {
    const source = `import os, sys, time
keep = []
def lambda_handler(event, context):
    if event.get("exit"): sys.exit(3)
    if event.get("sleep"): time.sleep(60)
    if event.get("leak"):
        while True: keep.append(bytearray(10 * 1024 * 1024))
    return os.getpid()
`;
    await createPythonFunction(c, 'py-fail', source, { Timeout: 1 });
    // Leaking takes its time on a loaded machine: not the 1 s timeout.
    await createPythonFunction(c, 'py-leak', source, { Timeout: 60, MemorySize: 128 });
    const pid = decode((await invokeFunction(c, 'py-fail', {}, true)).Payload);
    const exited = decode((await invokeFunction(c, 'py-fail', { exit: true }, true)).Payload) as PyError;
    assert.equal(exited.errorType, 'Runtime.ExitError');
    assert.match(exited.errorMessage, /Runtime exited with error: exit status 3$/);
    const timedOut = decode((await invokeFunction(c, 'py-fail', { sleep: true }, true)).Payload) as PyError;
    assert.equal(timedOut.errorType, 'Sandbox.Timedout');
    assert.match(timedOut.errorMessage, /Task timed out after 1\.00 seconds$/);
    const oom = decode((await invokeFunction(c, 'py-leak', { leak: true }, true)).Payload) as PyError;
    assert.equal(oom.errorType, 'Runtime.OutOfMemory');
    assert.match(oom.errorMessage, /Runtime exited with error: signal: killed$/);
    const after = decode((await invokeFunction(c, 'py-fail', {}, true)).Payload);
    assert.equal(typeof after, 'number');
    assert.notEqual(after, pid);
    assert.equal(typeof decode((await invokeFunction(c, 'py-leak', {}, true)).Payload), 'number');
  });

  it('boto3 creates and invokes a Python function; the AWS CLI invokes it with a Tail log', async () => {
    const zip = (
      await makeZip({ 'lambda_function.py': 'def lambda_handler(e, c):\n    return {"got": e}\n' })
    ).toString('base64');
    const script = `
import base64, boto3, json, os
lam = boto3.client('lambda', endpoint_url=os.environ['ENDPOINT'], region_name='${region}',
                   aws_access_key_id='test', aws_secret_access_key='test')
lam.create_function(FunctionName='py-boto3', Runtime='python3.12', Handler='lambda_function.lambda_handler',
                    Role='${ROLE}', Code={'ZipFile': base64.b64decode(os.environ['ZIP'])})
lam.get_waiter('function_active_v2').wait(FunctionName='py-boto3')
r = lam.invoke(FunctionName='py-boto3', Payload=json.dumps({'a': 1}))
print(json.dumps({'status': r['StatusCode'], 'payload': json.loads(r['Payload'].read())}))
`;
    const { stdout } = await exec('python3', ['-c', script], {
      env: { ...process.env, ENDPOINT: app.endpoint, ZIP: zip },
    });
    assert.deepEqual(JSON.parse(stdout), { status: 200, payload: { got: { a: 1 } } });
    const out = join(tempDir(), 'out.json');
    const cli = await awsCli(app, [
      'lambda',
      'invoke',
      '--function-name',
      'py-boto3',
      '--payload',
      '{"b":2}',
      ...(await rawBlobArgs()),
      '--log-type',
      'Tail',
      out,
    ]);
    const tail = Buffer.from((cli.json as { LogResult: string }).LogResult, 'base64').toString('utf8');
    assert.match(tail, /^START RequestId: [0-9a-f-]{36} Version: \$LATEST\n/);
    assert.deepEqual(JSON.parse(readFileSync(out, 'utf8')), { got: { b: 2 } });
  });

  it('says where a runtime runs: tributary status, the StateReason and the init log agree', async () => {
    const res = await fetch(`${app.endpoint}/_tributary/status`);
    const runtimes = ((await res.json()) as { runtimes: Array<Record<string, string | null>> }).runtimes;
    const labels = runtimes.map((r) => r['runtime']);
    for (const l of ['python3.9', 'python3.13', 'nodejs20.x', 'provided.al2023'])
      assert.ok(labels.includes(l), l);
    const py39 = runtimes.find((r) => r['runtime'] === 'python3.9')!;
    const version = execFileSync('python3', ['-c', 'import sys; print("%d.%d.%d" % sys.version_info[:3])'])
      .toString()
      .trim();
    const exact = version.startsWith('3.9.');
    assert.equal(py39['note'], exact ? null : `python3.9 runs on Python ${py39['version']} on this machine`);
    await createPythonFunction(
      c,
      'py-where',
      'import sys\ndef lambda_handler(e, c):\n    return list(sys.version_info[:2])\n',
      {
        Runtime: 'python3.9',
      },
    );
    const conf = await c.send(new GetFunctionConfigurationCommand({ FunctionName: 'py-where' }));
    assert.equal(conf.State, 'Active');
    assert.equal(conf.StateReason, py39['note'] ?? undefined);
    assert.deepEqual(
      decode((await invokeFunction(c, 'py-where', undefined, true)).Payload),
      version.split('.').slice(0, 2).map(Number),
    );
    if (exact) return;
    await waitFor(
      async () => {
        const logs = await fetch(`${app.endpoint}/_tributary/lambda/functions/py-where/logs?lines=50`);
        return (await logs.text()).includes(py39['note']!);
      },
      5000,
      'the note in the init log',
    );
  });

  it('UpdateFunctionCode runs the new code at once; a restart keeps the function and its code', async () => {
    const dataDir = tempDir('tributary-python-restart-');
    const v = (n: number): string => `def lambda_handler(e, c):\n    return "v${n}"\n`;
    let server = await startTestServer({ dataDir, transitionDelayMs: 0 });
    let client = lambdaClient(server);
    const call = async (): Promise<unknown> =>
      decode((await client.send(new InvokeCommand({ FunctionName: 'py-update' }))).Payload);
    try {
      await createPythonFunction(client, 'py-update', v(1));
      assert.equal(await call(), 'v1');
      await client.send(
        new UpdateFunctionCodeCommand({
          FunctionName: 'py-update',
          ZipFile: await makeZip({ 'lambda_function.py': v(2) }),
        }),
      );
      assert.equal(await call(), 'v2');
      client.destroy();
      await server.close();
      server = await startTestServer({ dataDir, transitionDelayMs: 0 });
      client = lambdaClient(server);
      assert.equal(await call(), 'v2');
    } finally {
      client.destroy();
      await server.close();
    }
  });
});
