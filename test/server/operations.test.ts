import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ErrorPath } from '../../src/server/error-path.js';
import { AwsError } from '../../src/server/errors.js';
import type { ApiRequest } from '../../src/server/http-types.js';
import { operation, restRoute, type Call } from '../../src/server/operations.js';
import type { RestRequest } from '../../src/server/protocols/rest-json.js';
import { blob, integer, list, required, string, structure, unchecked } from '../../src/server/shapes.js';
import { awsJsonDialect } from '../../src/server/validation-dialects.js';

/** The REST-JSON binding: where an operation's input members come from, and what its run is given. */
describe('operations: REST-JSON routes', () => {
  const errors = { toAwsError: (e: unknown) => e as AwsError } as unknown as ErrorPath;

  function request(
    over: Partial<ApiRequest>,
    params: Record<string, string>,
    body: () => unknown,
  ): RestRequest {
    const api = {
      method: 'POST',
      path: '/x',
      query: new URLSearchParams(),
      headers: {},
      body: Buffer.alloc(0),
      httpVersion: '1.1',
      signal: new AbortController().signal,
      host: 'example:1',
      requestId: 'req-1',
      ...over,
    } as ApiRequest;
    return { api, params, requestId: api.requestId, input: () => body() as Record<string, unknown> };
  }

  it('takes members from the path, query string, headers and raw body, the rest from the JSON body', async () => {
    let seen: unknown;
    let call: Call | undefined;
    const op = operation({
      input: structure({
        Name: required(string({ location: 'uri' })),
        Max: integer({ min: 1, location: 'querystring', name: 'MaxItems' }),
        Mode: string({ location: 'header', name: 'X-Amz-Mode' }),
        Raw: unchecked(blob({ location: 'payload' })),
        Tags: list(string()),
      }),
      async run(_c: null, input, c) {
        seen = input;
        call = c;
        return { status: 201, json: { ok: true } };
      },
    });
    const route = restRoute(
      { context: null, operations: {}, dialect: awsJsonDialect, errors },
      'svc',
      {
        method: 'POST',
        path: '/x/{Name}',
        operation: 'Do',
      },
      op,
    );
    const req = request(
      {
        query: new URLSearchParams('MaxItems=5'),
        headers: { 'x-amz-mode': 'fast' },
        body: Buffer.from('{"Tags":["a"],"Name":"from body"}'),
      },
      { Name: 'n1' },
      () => ({ Tags: ['a'], Name: 'from body', Max: 99 }),
    );
    assert.deepEqual(await route.handler(req), { status: 201, json: { ok: true } });
    assert.deepEqual(seen, {
      Name: 'n1',
      Max: 5,
      Mode: 'fast',
      Raw: Buffer.from('{"Tags":["a"],"Name":"from body"}'),
      Tags: ['a'],
    });
    assert.deepEqual([call?.requestId, call?.host], ['req-1', 'example:1']);
  });

  it('reads numbers in the query string as Number does, and answers in the family words', async () => {
    const op = operation({
      input: structure({ Max: integer({ min: 1, location: 'querystring' }) }),
      run: async () => ({ status: 200 }),
    });
    const route = restRoute(
      { context: null, operations: {}, dialect: awsJsonDialect, errors },
      'svc',
      {
        method: 'GET',
        path: '/x',
        operation: 'List',
      },
      op,
    );
    const body = (): never => assert.fail('an operation without body members never reads the body');
    await assert.rejects(route.handler(request({ query: new URLSearchParams('Max=0') }, {}, body)), {
      name: 'ValidationException',
      message:
        "1 validation error detected: Value '0' at 'max' failed to satisfy constraint: Member must have value greater than or equal to 1",
    });
    await assert.rejects(route.handler(request({ query: new URLSearchParams('Max=x') }, {}, body)), {
      name: 'SerializationException',
      message: 'Unexpected value type for Max: expected number',
    });
  });
});
