import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { AwsError } from '../../src/server/errors.js';
import type { ApiRequest, ApiResponse } from '../../src/server/http-types.js';
import {
  compilePath,
  pathParam,
  restJsonService,
  type RestRequest,
  type RestRoutes,
} from '../../src/server/protocols/rest-json.js';

/** restJsonService over a small table of two parts, without a server. */

function request(method: string, path: string, extra: Partial<ApiRequest> = {}): ApiRequest {
  return {
    method,
    path,
    query: new URLSearchParams(),
    headers: {},
    body: Buffer.alloc(0),
    httpVersion: '1.1',
    signal: new AbortController().signal,
    host: 'localhost',
    requestId: 'req-1',
    ...extra,
  };
}

/** What each handler saw. */
const seen: Array<{ operation: string; params: Record<string, string>; input?: unknown }> = [];

const things: RestRoutes = {
  service: 'things',
  routes: [
    {
      method: 'GET',
      path: '/v1/things',
      operation: 'ListThings',
      handler: async () => {
        seen.push({ operation: 'ListThings', params: {} });
        return { status: 200, json: { Things: [] } };
      },
    },
    {
      method: 'PUT',
      path: '/v1/things/{Name}/parts/{Part}',
      operation: 'PutPart',
      handler: async (r: RestRequest) => {
        seen.push({ operation: 'PutPart', params: { ...r.params }, input: r.input() });
        return { status: 201, headers: { 'x-extra': '1' }, json: { Name: pathParam(r, 'Name') } };
      },
    },
    {
      method: 'GET',
      path: '/_own/things/{Name}/blob/{Id}.bin',
      strict: true,
      operation: 'GetBlob',
      handler: async (r) => ({ status: 200, raw: Buffer.from(pathParam(r, 'Id')) }),
    },
    {
      method: 'DELETE',
      path: '/v1/things/{Name}',
      operation: 'DeleteThing',
      handler: async () => ({ status: 204 }),
    },
  ],
  wrongMethod: (req) => new AwsError('UnknownOperationException', `no ${req.method}`, 404),
};

const widgets: RestRoutes = {
  service: 'widgets',
  routes: [
    {
      method: 'GET',
      path: '/v1/widgets/{Id}',
      operation: 'GetWidget',
      handler: async (r) => ({ status: 200, json: { Id: pathParam(r, 'Id') } }),
    },
    {
      method: 'GET',
      path: '/v1/widgets/{Id}/broken',
      operation: 'Broken',
      // A handler asking for a param its route does not have: a bug, not an AwsError.
      handler: async (r) => ({ status: 200, json: pathParam(r, 'Nope') }),
    },
  ],
  wrongMethod: () => new AwsError('UnknownOperationException', 'Unknown operation.', 404),
  subtree: {
    path: '/v1/widgets',
    unknownPath: () => new AwsError('ResourceNotFoundException', 'no such widget path', 404),
  },
};

const service = restJsonService({
  name: 'api',
  parts: [things, widgets],
  invalidBody: (why) => new AwsError('InvalidRequestContentException', `bad body: ${why}`, 400),
});

async function thrown(p: Promise<ApiResponse>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected handle to throw');
}

function jsonOf(res: ApiResponse): unknown {
  assert.ok('body' in res && res.body !== undefined);
  return JSON.parse(res.body.toString());
}

describe('restJsonService', () => {
  it('routes by method and path, with named params, and describes the operation and its part', async () => {
    const req = request('PUT', '/v1/things/a%20b/parts/7/', { body: Buffer.from('{"x":1}') });
    assert.equal(service.matches(req), true);
    assert.deepEqual(service.describe!(req), {
      operation: 'PutPart',
      protocol: 'rest-json',
      service: 'things',
    });
    seen.length = 0;
    const res = await service.handle(req);
    assert.deepEqual(seen, [{ operation: 'PutPart', params: { Name: 'a%20b', Part: '7' }, input: { x: 1 } }]);
    assert.equal(res.status, 201);
    assert.deepEqual(res.headers, {
      'content-type': 'application/json',
      'x-amzn-requestid': 'req-1',
      'x-extra': '1',
    });
    assert.deepEqual(jsonOf(res), { Name: 'a%20b' });
    assert.deepEqual(service.describe!(request('GET', '/v1/widgets/w1')), {
      operation: 'GetWidget',
      protocol: 'rest-json',
      service: 'widgets',
    });
  });

  it('puts the request id on every answer: JSON, raw bytes and empty', async () => {
    const raw = await service.handle(request('GET', '/_own/things/t/blob/b1.bin', { requestId: 'req-2' }));
    assert.deepEqual(raw.headers, { 'x-amzn-requestid': 'req-2' });
    assert.ok('body' in raw && Buffer.isBuffer(raw.body) && raw.body.toString() === 'b1');
    const empty = await service.handle(request('DELETE', '/v1/things/t', { requestId: 'req-3' }));
    assert.deepEqual(empty, { status: 204, headers: { 'x-amzn-requestid': 'req-3' } });
  });

  it('a wrong method on a known path is claimed and answered with its part’s error', async () => {
    for (const [req, part, message] of [
      [request('POST', '/v1/things'), 'things', 'no POST'],
      [request('GET', '/v1/things/t'), 'things', 'no GET'],
      [request('PUT', '/v1/widgets/w1'), 'widgets', 'Unknown operation.'],
    ] as const) {
      assert.equal(service.matches(req), true);
      assert.deepEqual(service.describe!(req), {
        operation: undefined,
        protocol: 'rest-json',
        service: part,
      });
      const err = await thrown(service.handle(req));
      assert.ok(err instanceof AwsError);
      assert.deepEqual([err.type, err.status, err.message], ['UnknownOperationException', 404, message]);
    }
  });

  it('an unknown path is not claimed, unless it is under a part’s subtree', async () => {
    for (const path of [
      '/v1/things/t/other',
      '/v1/thing',
      '/v1/widgetsX/1',
      '/_own/things/t/blob/b1.bin/',
      '/',
    ]) {
      assert.equal(service.matches(request('GET', path)), false, path);
    }
    for (const path of ['/v1/widgets', '/v1/widgets/', '/v1/widgets/w1/deeper', '/v1/widgets//w1']) {
      const req = request('DELETE', path);
      assert.equal(service.matches(req), true, path);
      assert.deepEqual(service.describe!(req), {
        operation: undefined,
        protocol: 'rest-json',
        service: 'widgets',
      });
      const err = await thrown(service.handle(req));
      assert.ok(err instanceof AwsError);
      assert.deepEqual([err.type, err.message], ['ResourceNotFoundException', 'no such widget path']);
    }
  });

  it('X-Amz-Target requests are never claimed', () => {
    assert.equal(
      service.matches(request('GET', '/v1/things', { headers: { 'x-amz-target': 'X.Y' } })),
      false,
    );
  });

  it('reads the body only when the operation asks, and refuses one that is not a JSON object', async () => {
    // ListThings never asks: a bad body does not matter to it.
    assert.equal(
      (await service.handle(request('GET', '/v1/things', { body: Buffer.from('{') }))).status,
      200,
    );
    for (const [body, why] of [
      ['{nope', 'Unexpected character in the request body.'],
      ['[1]', 'the request body must be a JSON object.'],
      ['"s"', 'the request body must be a JSON object.'],
    ] as const) {
      const err = await thrown(
        service.handle(request('PUT', '/v1/things/t/parts/1', { body: Buffer.from(body) })),
      );
      assert.ok(err instanceof AwsError);
      assert.deepEqual([err.type, err.message], ['InvalidRequestContentException', `bad body: ${why}`]);
    }
    seen.length = 0;
    await service.handle(request('PUT', '/v1/things/t/parts/1'));
    assert.deepEqual(seen[0]?.input, {}, 'an empty body is {}');
  });

  it('a handler asking for a param its route lacks fails as a bug (not an AwsError)', async () => {
    const err = await thrown(service.handle(request('GET', '/v1/widgets/w1/broken')));
    assert.ok(err instanceof Error && !(err instanceof AwsError));
    assert.match(err.message, /has no \{Nope\} param/);
  });

  it('compiles paths: params within a segment, literal text escaped, trailing slash optional unless strict', () => {
    assert.equal(compilePath('/a/{B}/c.d').source, compilePath('/a/{B}/c.d/').source);
    const loose = compilePath('/a/{B}/c.d');
    assert.ok(loose.test('/a/1/c.d') && loose.test('/a/1/c.d/'));
    assert.ok(!loose.test('/a/1/cxd') && !loose.test('/a/1/2/c.d') && !loose.test('/a//c.d'));
    const strict = compilePath('/a/{B}.zip', true);
    assert.deepEqual({ ...strict.exec('/a/x.y.zip')?.groups }, { B: 'x.y' });
    assert.ok(!strict.test('/a/x.zip/'));
    assert.throws(() => compilePath('/a/{B'), /a param is \{Name\}/);
    assert.throws(() => compilePath('/a/{B-C}'), /a param is \{Name\}/);
  });
});
