/**
 * Start-to-ready: from spawning `tributary up` to its ready line (`Tributary listening on ...`, printed once the
 * port is bound and every component has started), on an empty data dir (lmdb, the default deployment).
 *
 * - compiled: `bin/tributary.js up`, which runs dist/ when it is current with src/ (what `npm start` runs once it
 *   has built dist/, and what an installed server runs). Its check of dist/ against src/ is included, and timed
 *   alone below.
 * - tsx, warm cache: the TypeScript sources through tsx (`npm run dev`, and what bin/tributary.js falls back to
 *   when dist/ is stale), with tsx's transform cache filled by the previous rounds: the peer, and what every start
 *   cost before dist/ was used.
 * - tsx, cold cache: the same with TSX_DISABLE_CACHE=1, what the first start after a change of src/ costs.
 * - npm start: the same compiled server through `npm start` (dist/ current, so no build): npm's own start on top.
 * - node alone: `node -e 0`, the floor every row includes.
 *
 * The rows are interleaved round by round so that load on the machine spreads over all of them. dist/ is built
 * first when it is not current. Knobs (env): BENCH_ROUNDS (default 10).
 * Run: `npx tsx bench/startup.ts` (or `npm run bench -- startup`).
 */
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { distState } from '../scripts/dist-state.mjs';

const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 10);
const root = fileURLToPath(new URL('..', import.meta.url));
const NODE_FLAGS = ['--max-semi-space-size=64'];
const UP = ['up', '--port', '0', '--log-level', 'warn'];

interface Variant {
  name: string;
  /** The command, when not node. */
  command?: string;
  args: string[];
  env?: Record<string, string>;
  /** Ready when the process prints this line (or, without one, when it exits). */
  ready?: RegExp;
}

const variants: Variant[] = [
  {
    name: 'compiled (bin/tributary.js -> dist/)',
    args: [...NODE_FLAGS, 'bin/tributary.js', ...UP],
    ready: /Tributary listening on /,
  },
  {
    name: 'tsx, warm cache (src/ through tsx)',
    args: [...NODE_FLAGS, '--import', 'tsx', 'src/cli/main.ts', ...UP],
    ready: /Tributary listening on /,
  },
  {
    name: 'tsx, cold cache (TSX_DISABLE_CACHE=1)',
    args: [...NODE_FLAGS, '--import', 'tsx', 'src/cli/main.ts', ...UP],
    env: { TSX_DISABLE_CACHE: '1' },
    ready: /Tributary listening on /,
  },
  {
    name: 'npm start (dist/ current)',
    command: 'npm',
    args: ['start', '--', '--port', '0', '--log-level', 'warn'],
    ready: /Tributary listening on /,
  },
  { name: 'node alone (node -e 0)', args: ['-e', '0'] },
];

/** Milliseconds from spawn to ready; the server is then stopped (SIGTERM) and its data dir removed. */
async function startOnce(v: Variant): Promise<number> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tributary-startup-'));
  const started = performance.now();
  const child = spawn(
    v.command ?? process.execPath,
    [...v.args, ...(v.ready ? ['--data-dir', dataDir] : [])],
    {
      cwd: root,
      env: { ...process.env, ...v.env },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const exited = once(child, 'exit');
  try {
    if (!v.ready) {
      await exited;
      return performance.now() - started;
    }
    let out = '';
    const pattern = v.ready;
    return await new Promise<number>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (pattern.test(out)) resolve(performance.now() - started);
      });
      void exited.then(([code]) =>
        reject(new Error(`${v.name} exited with ${String(code)} before ready: ${out}`)),
      );
    });
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      // The server itself (npm does not pass signals on): its pid is in its data dir's lock file.
      const pid = v.command ? Number(readFileSync(join(dataDir, 'tributary.lock'), 'utf8')) : child.pid!;
      process.kill(pid, 'SIGTERM');
      await exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!;
}

/** Builds dist/ unless it is current (again if src/ changes while the benchmark runs, so no compiled round runs tsx). */
function ensureBuilt(): void {
  const state = distState(root);
  if (state.fresh) return;
  console.log(`# ${state.reason}: npm run build`);
  const r = spawnSync(process.execPath, [join(root, 'scripts/build.mjs')], { cwd: root, stdio: 'inherit' });
  if (!distState(root).fresh) throw new Error(`the build failed (exit code ${String(r.status)})`);
}

async function main(): Promise<void> {
  ensureBuilt();
  console.log(
    `# start-to-ready, ${ROUNDS} rounds, ${cpus().length} cores, load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}, Node ${process.version}`,
  );
  // One round first, not counted: fills tsx's cache and the OS page cache for every row alike.
  for (const v of variants) await startOnce(v);
  const times = new Map<Variant, number[]>(variants.map((v) => [v, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const v of variants) {
      if (v === variants[0]) ensureBuilt();
      times.get(v)!.push(await startOnce(v));
    }
  }

  // The check bin/tributary.js makes at every start: dist/ against src/ (a stat per source file).
  const checks: number[] = [];
  for (let i = 0; i < 200; i++) {
    const t = performance.now();
    distState(root);
    checks.push(performance.now() - t);
  }
  checks.sort((a, b) => a - b);

  const rows = variants.map((v) => {
    const sorted = times.get(v)!.sort((a, b) => a - b);
    return { name: v.name, p50: pct(sorted, 50), min: sorted[0]!, max: sorted[sorted.length - 1]! };
  });
  const w = Math.max(...rows.map((r) => r.name.length));
  console.log(`${'start'.padEnd(w)} |  p50 ms |  min ms |  max ms`);
  console.log(`${'-'.repeat(w)}-|---------|---------|--------`);
  for (const r of rows) {
    console.log(
      `${r.name.padEnd(w)} | ${r.p50.toFixed(0).padStart(7)} | ${r.min.toFixed(0).padStart(7)} | ${r.max
        .toFixed(0)
        .padStart(7)}`,
    );
  }
  const [compiled, warm, cold] = rows;
  console.log(
    `# tsx / compiled (p50): warm cache ${(warm!.p50 / compiled!.p50).toFixed(1)}x, cold cache ` +
      `${(cold!.p50 / compiled!.p50).toFixed(1)}x`,
  );
  console.log(
    `# the dist/-against-src/ check alone: p50 ${pct(checks, 50).toFixed(2)} ms, p99 ${pct(checks, 99).toFixed(2)} ms`,
  );
  console.log('# target: compiled start-to-ready p50 < 500 ms');
}

await main();
