import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { CreateFunctionCommand, InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { decode, makeZip, ROLE, withLambdaServer } from './lambda-helpers.js';

/** A complete custom runtime in Python's standard library: the Runtime API loop, no AWS client library. */
const PYTHON_BOOTSTRAP = `#!/usr/bin/env python3
import json, os, sys, urllib.request

base = "http://" + os.environ["AWS_LAMBDA_RUNTIME_API"] + "/2018-06-01/runtime"
count = 0
while True:
    with urllib.request.urlopen(base + "/invocation/next") as r:
        request_id = r.headers["Lambda-Runtime-Aws-Request-Id"]
        deadline = int(r.headers["Lambda-Runtime-Deadline-Ms"])
        arn = r.headers["Lambda-Runtime-Invoked-Function-Arn"]
        event = json.loads(r.read())
    count += 1
    print("python got", json.dumps(event), flush=True)
    if event.get("fail"):
        body = json.dumps({"errorType": "ValueError", "errorMessage": "bad input"}).encode()
        req = urllib.request.Request(base + "/invocation/" + request_id + "/error", data=body, method="POST",
                                     headers={"Lambda-Runtime-Function-Error-Type": "ValueError"})
    else:
        out = {"lang": "python%d" % sys.version_info[0], "echo": event, "handler": os.environ["_HANDLER"], "arn": arn,
               "root": os.environ["LAMBDA_TASK_ROOT"] == os.getcwd(), "deadline_ok": deadline > 0, "count": count,
               "fn": os.environ["AWS_LAMBDA_FUNCTION_NAME"]}
        req = urllib.request.Request(base + "/invocation/" + request_id + "/response", data=json.dumps(out).encode(), method="POST")
    urllib.request.urlopen(req).read()
`;

const FAILING_INIT = `#!/usr/bin/env python3
import json, os, urllib.request
base = "http://" + os.environ["AWS_LAMBDA_RUNTIME_API"] + "/2018-06-01/runtime"
body = json.dumps({"errorType": "Runtime.ConfigError", "errorMessage": "missing settings"}).encode()
urllib.request.urlopen(urllib.request.Request(base + "/init/error", data=body, method="POST")).read()
raise SystemExit(1)
`;

/**
 * The shell runtime of AWS's custom runtime tutorial: curl for the Runtime API. curl before 8.x sends a body
 * over 1 KB with `Expect: 100-continue` and waits (up to a second) for the server's 100 before sending it;
 * this one is told to, whatever curl the machine has, and pads its answer past 1 KB.
 */
const CURL_BOOTSTRAP = `#!/bin/bash
set -euo pipefail
PAD=$(printf 'x%.0s' $(seq 1 1500))
while true
do
  HEADERS="$(mktemp)"
  EVENT_DATA=$(curl -sS -LD "$HEADERS" "http://\${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime/invocation/next")
  REQUEST_ID=$(grep -Fi Lambda-Runtime-Aws-Request-Id "$HEADERS" | tr -d '[:space:]' | cut -d: -f2)
  RESPONSE="{\\"echo\\":$EVENT_DATA,\\"pad\\":\\"$PAD\\"}"
  curl -sS -o /dev/null --max-time 5 --expect100-timeout 30 -H 'Expect: 100-continue' "http://\${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime/invocation/$REQUEST_ID/response" -d "$RESPONSE"
done
`;

describe('provided.al2023 custom runtimes', () => {
  let c: LambdaClient;
  withLambdaServer('default', (_app, client) => (c = client));

  const create = async (
    name: string,
    files: Parameters<typeof makeZip>[0],
    runtime: 'provided.al2023' | 'provided.al2' = 'provided.al2023',
  ): Promise<void> => {
    await c.send(
      new CreateFunctionCommand({
        FunctionName: name,
        Runtime: runtime,
        Handler: 'function.handler',
        Role: ROLE,
        Code: { ZipFile: await makeZip(files) },
      }),
    );
  };

  it('runs a Python bootstrap speaking the Runtime API, warm across invocations', async () => {
    await create('py', { bootstrap: { content: PYTHON_BOOTSTRAP, mode: 0o755 } });
    const r = await c.send(
      new InvokeCommand({ FunctionName: 'py', Payload: Buffer.from('{"x":1}'), LogType: 'Tail' }),
    );
    assert.equal(r.FunctionError, undefined);
    assert.deepEqual(decode(r.Payload), {
      lang: 'python3',
      echo: { x: 1 },
      handler: 'function.handler',
      arn: 'arn:aws:lambda:us-east-1:000000000000:function:py',
      root: true,
      deadline_ok: true,
      count: 1,
      fn: 'py',
    });
    const log = Buffer.from(r.LogResult!, 'base64').toString();
    assert.match(
      log,
      /START RequestId: [\s\S]*python got \{"x": 1\}\n[\s\S]*END RequestId: [\s\S]*REPORT RequestId: .*Max Memory Used: \d+ MB/,
    );
    const again = decode(
      (await c.send(new InvokeCommand({ FunctionName: 'py', Payload: Buffer.from('{"x":2}') }))).Payload,
    ) as { count: number };
    assert.equal(again.count, 2);
  });

  it('an error posted by the runtime is the invoke payload, with X-Amz-Function-Error', async () => {
    const r = await c.send(new InvokeCommand({ FunctionName: 'py', Payload: Buffer.from('{"fail":true}') }));
    assert.equal(r.FunctionError, 'Unhandled');
    assert.deepEqual(decode(r.Payload), { errorType: 'ValueError', errorMessage: 'bad input' });
  });

  it('provided.al2 works the same way', async () => {
    await create('py2', { bootstrap: { content: PYTHON_BOOTSTRAP, mode: 0o755 } }, 'provided.al2');
    const r = await c.send(new InvokeCommand({ FunctionName: 'py2', Payload: Buffer.from('{"s":1}') }));
    assert.equal(r.FunctionError, undefined);
    assert.deepEqual((decode(r.Payload) as { echo: unknown }).echo, { s: 1 });
  });

  it('an init error posted to /runtime/init/error fails the invoke with that error', async () => {
    await create('py-init', { bootstrap: { content: FAILING_INIT, mode: 0o755 } });
    const r = await c.send(new InvokeCommand({ FunctionName: 'py-init' }));
    assert.equal(r.FunctionError, 'Unhandled');
    assert.deepEqual(decode(r.Payload), {
      errorType: 'Runtime.ConfigError',
      errorMessage: 'missing settings',
    });
  });

  it("runs the AWS tutorial's shell runtime (curl), whose large answers wait for 100 Continue", async () => {
    await create('curl', { bootstrap: { content: CURL_BOOTSTRAP, mode: 0o755 } });
    // Without a 100 Continue, curl would send the body anyway after --expect100-timeout; at 30 s that is past
    // both --max-time and the function's 3 s timeout, so an answer at all proves the 100 Continue was sent.
    for (const n of [1, 2]) {
      const r = await c.send(new InvokeCommand({ FunctionName: 'curl', Payload: Buffer.from(`{"n":${n}}`) }));
      assert.equal(r.FunctionError, undefined);
      assert.deepEqual(decode(r.Payload), { echo: { n }, pad: 'x'.repeat(1500) });
    }
  });

  it('a missing or non-executable bootstrap is Runtime.InvalidEntrypoint', async () => {
    await create('no-bootstrap', { 'other.sh': 'echo hi' });
    const missing = await c.send(new InvokeCommand({ FunctionName: 'no-bootstrap' }));
    assert.equal(missing.FunctionError, 'Unhandled');
    const m = decode(missing.Payload) as { errorType: string; errorMessage: string };
    assert.equal(m.errorType, 'Runtime.InvalidEntrypoint');
    assert.match(m.errorMessage, /Couldn't find valid bootstrap\(s\): \[.*\/bootstrap\]/);
    await create('not-exec', { bootstrap: { content: PYTHON_BOOTSTRAP, mode: 0o644 } });
    const perm = decode((await c.send(new InvokeCommand({ FunctionName: 'not-exec' }))).Payload) as {
      errorType: string;
      errorMessage: string;
    };
    assert.equal(perm.errorType, 'Runtime.InvalidEntrypoint');
    assert.match(perm.errorMessage, /permission denied/);
  });
});
