import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ApiRequest, ApiResponse, Service } from '../server/http-types.js';
import { VERSION } from '../server/version.js';

/**
 * The web console: GET / is its page, GET /console/* its modules and stylesheet (src/console/, or dist/console/
 * once built), GET /console/vendor/* the libraries it imports, served from node_modules as published (Preact,
 * its hooks, htm, uPlot: ES modules the browser loads through the page's import map — no bundler, no build step
 * for the user). Registered after every API service: a request any of them claims (a query-protocol call to `/`
 * with an `Action`, an `X-Amz-Target` POST) never reaches it, and it only takes GET — at `/` only a browser's,
 * whose `Accept` asks for `text/html`; any other GET / gets AWS's 403 (rpc.ts, `frontEndFallback`).
 */
const CONSOLE_DIR = fileURLToPath(new URL('../console/', import.meta.url));

const TYPES: Record<string, string> = {
  '.mjs': 'text/javascript; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** The vendored libraries by the name the page's import map gives them. */
function vendorFiles(): Map<string, string> {
  const require = createRequire(import.meta.url);
  const preact = dirname(require.resolve('preact/package.json'));
  const uplot = dirname(require.resolve('uplot/package.json'));
  const htm = dirname(require.resolve('htm'));
  return new Map([
    ['preact.mjs', join(preact, 'dist/preact.mjs')],
    ['hooks.mjs', join(preact, 'hooks/dist/hooks.mjs')],
    ['htm.mjs', join(htm, 'htm.mjs')],
    ['uPlot.esm.js', join(uplot, 'dist/uPlot.esm.js')],
    ['uPlot.min.css', join(uplot, 'dist/uPlot.min.css')],
  ]);
}

const IMPORTS = {
  preact: '/console/vendor/preact.mjs',
  'preact/hooks': '/console/vendor/hooks.mjs',
  htm: '/console/vendor/htm.mjs',
  uplot: '/console/vendor/uPlot.esm.js',
};

function page(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>Tributary console</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/console/vendor/uPlot.min.css">
<link rel="stylesheet" href="/console/console.css">
<script type="importmap">${JSON.stringify({ imports: IMPORTS })}</script>
</head>
<body data-version="${VERSION}">
<div id="app"><p class="loading">Loading the console&hellip;</p></div>
<noscript>The Tributary console needs JavaScript.</noscript>
<script type="module" src="/console/app.mjs"></script>
</body>
</html>
`;
}

export function consoleService(): Service {
  // Every file is known at start: a path names one of them or nothing (no path is ever joined from a request).
  const files = new Map<string, string>();
  for (const name of readdirSync(CONSOLE_DIR)) {
    if (TYPES[extname(name)] !== undefined) files.set(`/console/${name}`, join(CONSOLE_DIR, name));
  }
  for (const [name, path] of vendorFiles()) files.set(`/console/vendor/${name}`, path);
  const html = page();
  const isPage = (req: ApiRequest): boolean => req.path === '/' || req.path === '/index.html';
  // `/` is also AWS's endpoint, which answers a GET 403 (rpc.ts, frontEndFallback): the page is a browser's, one
  // that asks for HTML.
  const wantsPage = (req: ApiRequest): boolean =>
    req.path !== '/' || String(req.headers['accept'] ?? '').includes('text/html');
  return {
    name: 'console',
    matches: (req) =>
      req.method === 'GET' &&
      req.headers['x-amz-target'] === undefined &&
      ((isPage(req) && wantsPage(req)) || req.path.startsWith('/console/')),
    // The page and its modules hold no data: they load without a signature on a server that checks them (the data
    // comes from the APIs, which are signed).
    isPublic: () => true,
    async handle(req): Promise<ApiResponse> {
      const headers = { 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff' };
      if (isPage(req)) {
        return {
          status: 200,
          headers: { ...headers, 'content-type': 'text/html; charset=utf-8' },
          body: html,
        };
      }
      const path = files.get(req.path);
      if (path === undefined) {
        return { status: 404, headers: { 'content-type': 'text/plain' }, body: `Not found: ${req.path}\n` };
      }
      return {
        status: 200,
        headers: { ...headers, 'content-type': TYPES[extname(path)] ?? 'application/octet-stream' },
        body: await readFile(path),
      };
    },
  };
}
