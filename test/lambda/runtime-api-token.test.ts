import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { DeleteFunctionCommand, InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { Gate } from '../harness/gate.js';
import { createNodeFunction, decode, withLambdaServer } from './lambda-helpers.js';

/** Holds at the gate with what it knows: its Runtime API (host:port/token) and its invocation's request id. */
const VICTIM = `export const handler = async (e, ctx) => {
  const me = JSON.stringify({ api: process.env.AWS_LAMBDA_RUNTIME_API, rid: ctx.awsRequestId });
  await fetch(process.env.GATE + '/' + encodeURIComponent(me));
  return { answeredBy: 'victim', rid: ctx.awsRequestId };
};`;

/**
 * Another function's worker that found the victim's port (as any local process can, in /proc/net/tcp) and tries
 * its Runtime API without a token and with its own: take the victim's next invocation, answer its running one.
 */
const INTRUDER = `export const handler = async (e) => {
  const own = process.env.AWS_LAMBDA_RUNTIME_API;
  const ownToken = own.slice(own.indexOf('/'));
  const tryIt = async (path, init) => {
    try {
      const res = await fetch('http://' + e.target + path, { ...init, signal: AbortSignal.timeout(20000) });
      return res.status + ' ' + (await res.text());
    } catch (err) {
      return 'failed: ' + err.name;
    }
  };
  const post = { method: 'POST', body: JSON.stringify({ answeredBy: 'intruder' }) };
  return {
    ownTokenLooksRandom: /^\\/[0-9a-f]{32}$/.test(ownToken),
    next: await tryIt('/2018-06-01/runtime/invocation/next'),
    nextWithOwnToken: await tryIt(ownToken + '/2018-06-01/runtime/invocation/next'),
    answer: await tryIt('/2018-06-01/runtime/invocation/' + e.rid + '/response', post),
    answerWithOwnToken: await tryIt(ownToken + '/2018-06-01/runtime/invocation/' + e.rid + '/response', post),
    error: await tryIt(ownToken + '/2018-06-01/runtime/invocation/' + e.rid + '/error', post),
    initError: await tryIt('/2018-06-01/runtime/init/error', post),
  };
};`;

const FORBIDDEN = /^403 \{"errorMessage":"Missing or wrong Runtime API token","errorType":"AccessDenied"\}$/;

describe("Runtime API tokens: a worker's listener serves only requests carrying that worker's token", () => {
  let c: LambdaClient;
  const gate = Gate.forSuite();
  withLambdaServer('default', (_app, client) => (c = client));

  it("another function's worker and a raw request get 403 and nothing else; the victim's invocations stay its own", async () => {
    await createNodeFunction(c, 'token-victim', VICTIM, { Environment: { Variables: { GATE: gate.url } } });
    await createNodeFunction(c, 'token-intruder', INTRUDER, { Timeout: 60 });

    const victimCall = c.send(new InvokeCommand({ FunctionName: 'token-victim', Payload: '{}' }));
    await gate.reached(1);
    const { api, rid } = JSON.parse(gate.arrived[0]!) as { api: string; rid: string };
    const m = /^(127\.0\.0\.1:\d+)(\/[0-9a-f]{32})$/.exec(api);
    assert.ok(m, `AWS_LAMBDA_RUNTIME_API is host:port/token, got ${api}`);
    const [, target, token] = m as unknown as [string, string, string];

    // A raw request from outside any worker, while the victim's invocation runs.
    const raw = await fetch(`http://${target}/2018-06-01/runtime/invocation/${rid}/response`, {
      method: 'POST',
      body: '"raw"',
    });
    assert.equal(raw.status, 403);
    assert.match(`403 ${await raw.text()}`, FORBIDDEN);

    const out = await c.send(
      new InvokeCommand({ FunctionName: 'token-intruder', Payload: JSON.stringify({ target, rid }) }),
    );
    assert.equal(out.FunctionError, undefined, JSON.stringify(decode(out.Payload)));
    const tries = decode(out.Payload) as Record<string, string | boolean>;
    assert.equal(tries['ownTokenLooksRandom'], true);
    for (const name of ['next', 'nextWithOwnToken', 'answer', 'answerWithOwnToken', 'error', 'initError'])
      assert.match(String(tries[name]), FORBIDDEN, name);

    // The victim's invocation is answered by the victim.
    gate.open();
    const victim = await victimCall;
    assert.equal(victim.FunctionError, undefined);
    assert.deepEqual(decode(victim.Payload), { answeredBy: 'victim', rid });

    // The control: with the victim's token the same listener answers (that request id is over: 400).
    const withToken = await fetch(`http://${target}${token}/2018-06-01/runtime/invocation/${rid}/response`, {
      method: 'POST',
      body: '"late"',
    });
    assert.equal(withToken.status, 400);
    assert.match(await withToken.text(), /InvalidRequestID/);

    // And the victim's worker still serves its next invocation.
    const again = await c.send(new InvokeCommand({ FunctionName: 'token-victim', Payload: '{}' }));
    assert.equal((decode(again.Payload) as { answeredBy: string }).answeredBy, 'victim');

    // Deleted and created again, the function's new worker has a token of its own: the old one opens nothing.
    await c.send(new DeleteFunctionCommand({ FunctionName: 'token-victim' }));
    await createNodeFunction(c, 'token-victim', VICTIM, { Environment: { Variables: { GATE: gate.url } } });
    await c.send(new InvokeCommand({ FunctionName: 'token-victim', Payload: '{}' }));
    const reborn = (JSON.parse(gate.arrived.at(-1)!) as { api: string }).api;
    assert.match(reborn, /^127\.0\.0\.1:\d+\/[0-9a-f]{32}$/);
    assert.notEqual(reborn.slice(reborn.indexOf('/')), token);
    const oldToken = await fetch(
      `http://${reborn.slice(0, reborn.indexOf('/'))}${token}/2018-06-01/runtime/invocation/next`,
    );
    assert.equal(oldToken.status, 403);
    await oldToken.arrayBuffer();
  });
});
