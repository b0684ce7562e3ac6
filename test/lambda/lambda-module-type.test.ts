import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { CreateFunctionCommand, InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { clientConfig, tempDir } from '../harness/helpers.js';
import { decode, makeZip, ROLE } from './lambda-helpers.js';
import { spawnServer, stopServer, type ServerProcess } from '../harness/server-process.js';

/**
 * A function's module type is decided as in Lambda, by its zip alone: `.js` is CommonJS unless the zip's own
 * package.json says "type": "module"; `.mjs`/`.cjs` as named. The server runs with the default data dir
 * (./.tributary) in a project whose package.json says "type": "module", as Tributary's own does: that
 * package.json must not reach the function code unpacked below it.
 */
describe('function code resolves its module type from the zip alone', () => {
  let server: ServerProcess;
  let project: string;
  let lambda: LambdaClient;

  before(async () => {
    project = tempDir('tributary-esm-project-');
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'some-project', type: 'module' }));
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('TRIBUTARY_')));
    server = await spawnServer([], { cwd: project, env });
    lambda = new LambdaClient(clientConfig(server));
  });
  after(async () => {
    lambda.destroy();
    await stopServer(server);
  });

  async function deployAndInvoke(
    name: string,
    files: Record<string, string>,
  ): Promise<{ error: string | undefined; payload: unknown }> {
    await lambda.send(
      new CreateFunctionCommand({
        FunctionName: name,
        Runtime: 'nodejs20.x',
        Handler: 'index.handler',
        Role: ROLE,
        Code: { ZipFile: await makeZip(files) },
      }),
    );
    const res = await lambda.send(
      new InvokeCommand({ FunctionName: name, Payload: Buffer.from(JSON.stringify({ name: 'kinesis' })) }),
    );
    return { error: res.FunctionError, payload: decode(res.Payload) };
  }

  it('uses the default data dir inside the project', () => {
    assert.ok(existsSync(join(project, '.tributary', 'data.mdb')));
  });

  it('index.js with module.exports.handler and require(), no package.json: CommonJS', async () => {
    const r = await deployAndInvoke('cjs-module-exports', {
      'index.js': `const { greet } = require('./lib');
module.exports.handler = async (event) => ({ greeting: greet(event.name), filename: __filename });`,
      'lib.js': `exports.greet = (name) => 'hello ' + name;`,
    });
    assert.equal(r.error, undefined, JSON.stringify(r.payload));
    const p = r.payload as { greeting: string; filename: string };
    assert.equal(p.greeting, 'hello kinesis');
    assert.match(p.filename, /\/\.tributary\/lambda\/code\/cjs-module-exports\/[^/]+\/index\.js$/);
  });

  it('index.js with exports.handler and a callback, no package.json: CommonJS', async () => {
    const r = await deployAndInvoke('cjs-exports', {
      'index.js': `exports.handler = (event, context, callback) => callback(null, { cjs: typeof module.exports });`,
    });
    assert.equal(r.error, undefined, JSON.stringify(r.payload));
    assert.deepEqual(r.payload, { cjs: 'object' });
  });

  it('index.js with export const handler and the zip\'s package.json {"type":"module"}: an ES module', async () => {
    const r = await deployAndInvoke('esm-package', {
      'package.json': JSON.stringify({ type: 'module' }),
      'index.js': `export const handler = async (event) => ({ esm: typeof require === 'undefined', url: import.meta.url.endsWith('/index.js'), name: event.name });`,
    });
    assert.equal(r.error, undefined, JSON.stringify(r.payload));
    assert.deepEqual(r.payload, { esm: true, url: true, name: 'kinesis' });
  });

  it('index.js with export syntax and no package.json fails to load, as in Lambda (it is CommonJS)', async () => {
    const r = await deployAndInvoke('esm-syntax-no-package', {
      'index.js': `export const handler = async () => 'never';`,
    });
    assert.equal(r.error, 'Unhandled');
    const p = r.payload as { errorType: string; errorMessage: string };
    assert.equal(p.errorType, 'Runtime.UserCodeSyntaxError');
    assert.match(p.errorMessage, /SyntaxError: Unexpected token 'export'/);
  });

  it('.cjs is CommonJS under a zip that says "type":"module", .mjs an ES module without one', async () => {
    const cjs = await deployAndInvoke('named-cjs', {
      'package.json': JSON.stringify({ type: 'module' }),
      'index.cjs': `module.exports.handler = async () => ({ kind: typeof module });`,
    });
    assert.equal(cjs.error, undefined, JSON.stringify(cjs.payload));
    assert.deepEqual(cjs.payload, { kind: 'object' });
    const mjs = await deployAndInvoke('named-mjs', {
      'index.mjs': `export const handler = async () => ({ kind: typeof import.meta.url });`,
    });
    assert.equal(mjs.error, undefined, JSON.stringify(mjs.payload));
    assert.deepEqual(mjs.payload, { kind: 'string' });
  });
});
