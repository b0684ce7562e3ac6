import { strict as assert } from 'node:assert';
import { once } from 'node:events';
import net from 'node:net';
import { describe, it } from 'node:test';
import { setImmediate as immediate } from 'node:timers/promises';
import { RuntimeApiServer, type NextInvocation } from '../../src/runtime/runtime-api-server.js';

/**
 * A runtime may pipeline HTTP/1.1 requests: ours sends an invocation's result and the poll for the next one in
 * one write. node:http hands both to the server at once; the Runtime API must take them in order.
 */
describe('Runtime API with pipelined requests', () => {
  it('takes the poll for the next invocation only after the result sent before it on the connection', async () => {
    const calls: string[] = [];
    let served = 0;
    const server = new RuntimeApiServer({
      next: async (): Promise<NextInvocation> => {
        calls.push('next');
        served++;
        if (served > 2) return new Promise(() => undefined); // the third poll waits, as a real one would
        return {
          headers: { 'lambda-runtime-aws-request-id': `r${served}` },
          body: Buffer.from(`{"n":${served}}`),
        };
      },
      response: async (id, body) => {
        calls.push(`response ${id} ${body.toString()}`);
        await immediate(); // the result is taken over a few turns, as the worker does
        await immediate();
        calls.push(`response ${id} taken`);
        return { status: 202, body: { status: 'OK' } };
      },
      error: () => ({ status: 202, body: { status: 'OK' } }),
      initError: () => ({ status: 202, body: { status: 'OK' } }),
      responseTooLarge: () => undefined,
      activate: () => new Promise(() => undefined),
    });
    const [, host, port, prefix] = /^([^:]+):(\d+)(\/.+)$/.exec(await server.listen())!;
    const socket = net.connect({ host: host!, port: Number(port) });
    try {
      let text = '';
      socket.on('data', (c: Buffer) => (text += c.toString('latin1')));
      const get = `GET ${prefix}/2018-06-01/runtime/invocation/next HTTP/1.1\r\nhost: x\r\n\r\n`;
      const post = (id: string, body: string): string =>
        `POST ${prefix}/2018-06-01/runtime/invocation/${id}/response HTTP/1.1\r\nhost: x\r\n` +
        `content-length: ${body.length}\r\n\r\n${body}`;
      socket.write(get);
      while (!text.includes('{"n":1}')) await once(socket, 'data');
      // Result and next poll in one write.
      socket.write(post('r1', '"one"') + get);
      while (!text.includes('{"n":2}')) await once(socket, 'data');
      assert.deepEqual(calls, ['next', 'response r1 "one"', 'response r1 taken', 'next']);
      // The answers come back in request order: the 202, then the next invocation.
      const statuses = [...text.matchAll(/HTTP\/1\.1 (\d+)/g)].map((m) => m[1]);
      assert.deepEqual(statuses, ['200', '202', '200']);
      assert.ok(text.indexOf('{"status":"OK"}') < text.indexOf('{"n":2}'));
    } finally {
      socket.destroy();
      await server.close();
    }
  });
});
