import { strict as assert } from 'node:assert';
import { before, describe, it } from 'node:test';
import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import {
  CreateEventSourceMappingCommand,
  DeleteEventSourceMappingCommand,
  GetEventSourceMappingCommand,
  GetFunctionCommand,
  ListEventSourceMappingsCommand,
  ListFunctionsCommand,
  UpdateEventSourceMappingCommand,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import type { App } from '../../src/app/app.js';
import { kinesisClient, withTestServer } from '../harness/helpers.js';
import { createNodeFunction, lambdaClient } from './lambda-helpers.js';

/**
 * The Lambda REST API on one route table (src/lambda/rest-service.ts over src/server/protocols/rest-json.ts):
 * function and event source mapping paths alike, through @aws-sdk/client-lambda and raw HTTP.
 */

const REQUEST_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const UNKNOWN_UUID = '7a2b5c1e-0000-4000-8000-000000000000';

/** The SDK's error with the response metadata it read (status, x-amzn-RequestId). */
async function sdkError(
  p: Promise<unknown>,
): Promise<Error & { $metadata: { httpStatusCode?: number; requestId?: string } }> {
  try {
    await p;
  } catch (e) {
    return e as Error & { $metadata: { httpStatusCode?: number; requestId?: string } };
  }
  throw new Error('expected the call to fail');
}

describe('Lambda REST API routing (functions and event source mappings)', () => {
  let app: App;
  let l: LambdaClient;
  let k: KinesisClient;
  let streamArn: string;
  const seen = new Set<string>();

  /** A raw request; checks the request id header every answer carries, and that it is new. */
  async function call(
    method: string,
    path: string,
    init: { body?: string; headers?: Record<string, string> } = {},
  ): Promise<{ status: number; errorType: string | null; json: Record<string, unknown> }> {
    const res = await fetch(`${app.endpoint}${path}`, { method, ...init });
    const id = res.headers.get('x-amzn-requestid') ?? '';
    assert.match(id, REQUEST_ID, `${method} ${path}: x-amzn-RequestId`);
    assert.ok(!seen.has(id), 'a request id is never reused');
    seen.add(id);
    const text = await res.text();
    return {
      status: res.status,
      errorType: res.headers.get('x-amzn-errortype'),
      json: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>),
    };
  }

  function requestIdOf(meta: { requestId?: string }): string {
    const id = meta.requestId ?? '';
    assert.match(id, REQUEST_ID);
    assert.ok(!seen.has(id), 'a request id is never reused');
    seen.add(id);
    return id;
  }

  withTestServer(
    {},
    (a) => ({ l: lambdaClient(a), k: kinesisClient(a, 'h1') }),
    (a, made) => {
      app = a;
      ({ l, k } = made);
    },
  );
  before(async () => {
    await createNodeFunction(l, 'routed', 'export const handler = async () => null;');
    await k.send(new CreateStreamCommand({ StreamName: 'routed', ShardCount: 1 }));
    const summary = await k.send(new DescribeStreamSummaryCommand({ StreamName: 'routed' }));
    streamArn = summary.StreamDescriptionSummary!.StreamARN!;
  });

  it('SDK: every function and mapping answer carries x-amzn-RequestId, success and error alike', async () => {
    requestIdOf((await l.send(new ListFunctionsCommand({}))).$metadata);
    requestIdOf((await l.send(new GetFunctionCommand({ FunctionName: 'routed' }))).$metadata);
    const noFn = await sdkError(l.send(new GetFunctionCommand({ FunctionName: 'missing' })));
    assert.equal(noFn.name, 'ResourceNotFoundException');
    requestIdOf(noFn.$metadata);

    const created = await l.send(
      new CreateEventSourceMappingCommand({
        FunctionName: 'routed',
        EventSourceArn: streamArn,
        StartingPosition: 'LATEST',
      }),
    );
    assert.equal(created.$metadata.httpStatusCode, 202);
    requestIdOf(created.$metadata);
    const uuid = created.UUID!;
    const got = await l.send(new GetEventSourceMappingCommand({ UUID: uuid }));
    assert.equal(got.UUID, uuid);
    requestIdOf(got.$metadata);
    const listed = await l.send(new ListEventSourceMappingsCommand({ FunctionName: 'routed' }));
    assert.deepEqual(
      listed.EventSourceMappings!.map((m) => m.UUID),
      [uuid],
    );
    requestIdOf(listed.$metadata);
    const noMapping = await sdkError(l.send(new GetEventSourceMappingCommand({ UUID: UNKNOWN_UUID })));
    assert.equal(noMapping.name, 'ResourceNotFoundException');
    assert.equal(noMapping.$metadata.httpStatusCode, 404);
    requestIdOf(noMapping.$metadata);
    const badUpdate = await sdkError(
      l.send(new UpdateEventSourceMappingCommand({ UUID: uuid, BatchSize: 0 })),
    );
    assert.equal(badUpdate.name, 'ValidationException');
    requestIdOf(badUpdate.$metadata);
    const deleted = await l.send(new DeleteEventSourceMappingCommand({ UUID: uuid }));
    assert.equal(deleted.$metadata.httpStatusCode, 202);
    requestIdOf(deleted.$metadata);
  });

  it('fetch: path params reach the operation, with or without a trailing slash', async () => {
    for (const path of [
      '/2015-03-31/functions/routed/configuration',
      '/2015-03-31/functions/routed/configuration/',
    ]) {
      const r = await call('GET', path);
      assert.equal(r.status, 200);
      assert.equal(r.json['FunctionName'], 'routed');
    }
    // The listener decodes the path before routing.
    assert.equal((await call('GET', '/2015-03-31/functions/rou%74ed')).status, 200);
    // A second param ({StatementId}) after {FunctionName}.
    const sid = await call('DELETE', '/2015-03-31/functions/routed/policy/no-such-sid');
    assert.equal(sid.status, 404);
    assert.equal(sid.json['message'], 'Statement no-such-sid is not found in resource policy.');

    const list = await call('GET', '/2015-03-31/event-source-mappings/');
    assert.equal(list.status, 200);
    assert.ok(Array.isArray(list.json['EventSourceMappings']));
    assert.equal((await call('GET', '/2015-03-31/event-source-mappings')).status, 200);
    for (const path of [
      `/2015-03-31/event-source-mappings/${UNKNOWN_UUID}`,
      `/2015-03-31/event-source-mappings/${UNKNOWN_UUID}/`,
    ]) {
      const r = await call('GET', path);
      assert.equal(r.status, 404);
      assert.equal(r.errorType, 'ResourceNotFoundException');
      // The {UUID} param is the one Lambda names in its message.
      assert.match(String(r.json['message']), new RegExp(`Request ID: ${UNKNOWN_UUID}\\)$`));
    }
  });

  it("fetch: Tributary's own function paths match exactly", async () => {
    assert.equal((await call('GET', '/_tributary/lambda/functions/routed/logs')).status, 200);
    const slash = await call('GET', '/_tributary/lambda/functions/routed/logs/');
    assert.equal(slash.status, 404);
    assert.equal(slash.json['message'], 'No service handles GET /_tributary/lambda/functions/routed/logs/');
    const zip = await call('GET', '/_tributary/lambda/functions/routed/code/not-the-code-id.zip');
    assert.equal(zip.status, 404);
    assert.equal(zip.json['message'], 'Code not found.');
  });

  it('fetch: a wrong method on a known path is UnknownOperationException (404) in REST-JSON', async () => {
    const fn = await call('PATCH', '/2015-03-31/functions/routed');
    assert.deepEqual([fn.status, fn.errorType], [404, 'UnknownOperationException']);
    assert.deepEqual(fn.json, {
      Type: 'User',
      message: 'No Lambda operation for PATCH /2015-03-31/functions/routed',
    });
    const list = await call('DELETE', '/2015-03-31/functions/');
    assert.deepEqual(list.json, {
      Type: 'User',
      message: 'No Lambda operation for DELETE /2015-03-31/functions/',
    });

    for (const [method, path] of [
      ['PATCH', '/2015-03-31/event-source-mappings/'],
      ['DELETE', '/2015-03-31/event-source-mappings'],
      ['POST', `/2015-03-31/event-source-mappings/${UNKNOWN_UUID}`],
    ] as const) {
      const r = await call(method, path);
      assert.deepEqual([r.status, r.errorType], [404, 'UnknownOperationException'], `${method} ${path}`);
      assert.deepEqual(r.json, { Type: 'User', message: 'Unknown operation.' });
    }
  });

  it('fetch: unknown paths', async () => {
    // Below a function, a path no route has is not Lambda's: the router answers it.
    const fn = await call('GET', '/2015-03-31/functions/routed/bogus');
    assert.deepEqual([fn.status, fn.errorType], [404, 'UnknownOperationException']);
    assert.deepEqual(fn.json, {
      __type: 'UnknownOperationException',
      message: 'No service handles GET /2015-03-31/functions/routed/bogus',
    });
    // Below /2015-03-31/event-source-mappings every path is the mappings': one no route has does not exist.
    for (const method of ['GET', 'PUT', 'PATCH']) {
      const r = await call(method, `/2015-03-31/event-source-mappings/${UNKNOWN_UUID}/more`);
      assert.deepEqual([r.status, r.errorType], [404, 'ResourceNotFoundException'], method);
      assert.deepEqual(r.json, { Type: 'User', message: 'The resource you requested does not exist.' });
    }
  });

  it('fetch: a body that is not a JSON object is InvalidRequestContentException, for functions and mappings', async () => {
    for (const path of ['/2015-03-31/functions', '/2015-03-31/event-source-mappings/']) {
      const syntax = await call('POST', path, {
        body: '{nope',
        headers: { 'content-type': 'application/json' },
      });
      assert.deepEqual([syntax.status, syntax.errorType], [400, 'InvalidRequestContentException'], path);
      assert.equal(
        syntax.json['message'],
        'Could not parse request body into json: Unexpected character in the request body.',
      );
      const array = await call('POST', path, { body: '[]', headers: { 'content-type': 'application/json' } });
      assert.equal(array.errorType, 'InvalidRequestContentException');
      assert.equal(
        array.json['message'],
        'Could not parse request body into json: the request body must be a JSON object.',
      );
    }
  });

  it('fetch: a request with X-Amz-Target is not a Lambda REST request', async () => {
    const r = await call('GET', '/2015-03-31/functions/', {
      headers: { 'x-amz-target': 'Nope_2015.ListFunctions' },
    });
    assert.equal(r.status, 404);
    assert.equal(r.json['message'], 'No service handles GET /2015-03-31/functions/');
  });
});
