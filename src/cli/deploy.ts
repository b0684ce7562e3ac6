import { watch, type FSWatcher } from 'node:fs';
import { CliError, paint, serverEndpoint, type ServerFlags } from './common.js';
import { deployTemplate, type DeployResult } from './sam/deploy.js';

export interface DeployFlags extends ServerFlags {
  stackName?: string;
  /** K=V pairs. */
  parameterOverrides?: string[];
  /** Redeploy when a function's CodeUri changes. */
  watch?: boolean;
}

type Out = NodeJS.WritableStream & { isTTY?: boolean };

/** `--parameter-overrides K=V K2=V2` (also `ParameterKey=K,ParameterValue=V`, as `aws cloudformation deploy` takes). */
export function parseOverrides(pairs: string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of pairs) {
    const long = /^ParameterKey=([^,]+),ParameterValue=(.*)$/.exec(p);
    const eq = p.indexOf('=');
    if (long) out[long[1]!] = long[2]!;
    else if (eq > 0) out[p.slice(0, eq)] = p.slice(eq + 1);
    else throw new CliError(`--parameter-overrides takes KEY=VALUE, got ${p}`, 2);
  }
  return out;
}

/** The change summary: + created, ~ updated (with what changed), - removed; then the Outputs. */
export function renderDeploy(r: DeployResult, out: Out): string {
  const p = paint(out);
  const colour = { '+': p.green, '~': p.yellow, '-': p.red };
  const lines = r.changes.map(
    (c) =>
      `${colour[c.action](c.action)} ${c.logicalId} ${p.dim(`(${c.type})`)} ${c.physicalId}` +
      (c.changed ? p.dim(` [${c.changed.join(', ')}]`) : '') +
      (c.retained ? p.dim(' (kept: not deleted, as SAM keeps published versions)') : ''),
  );
  const head =
    r.changes.length === 0
      ? `Stack ${r.stackName}: no changes`
      : `Stack ${r.stackName}: ${count(r, '+')} created, ${count(r, '~')} updated, ${count(r, '-')} removed`;
  const outputs = Object.entries(r.outputs).map(([k, v]) => `  ${k} = ${v}`);
  return [head, ...lines, ...(outputs.length > 0 ? ['Outputs:', ...outputs] : [])].join('\n') + '\n';
}

const count = (r: DeployResult, a: '+' | '~' | '-'): number => r.changes.filter((c) => c.action === a).length;

function print(r: DeployResult, flags: DeployFlags, out: Out): void {
  out.write(
    flags.json
      ? JSON.stringify({ StackName: r.stackName, Changes: r.changes, Outputs: r.outputs }) + '\n'
      : renderDeploy(r, out),
  );
}

/**
 * `tributary deploy template.yaml [--stack-name N] [--parameter-overrides K=V ...] [--watch]`. With --watch it
 * stays, and deploys again whenever a file under a function's CodeUri changes (only what changed is updated).
 */
export async function deploy(file: string, flags: DeployFlags, out: Out = process.stdout): Promise<number> {
  const endpoint = serverEndpoint(flags);
  const opts = {
    templateFile: file,
    endpoint,
    overrides: parseOverrides(flags.parameterOverrides),
    ...(flags.stackName ? { stackName: flags.stackName } : {}),
  };
  const first = await deployTemplate(opts);
  print(first, flags, out);
  if (!flags.watch) return 0;
  return watchCode(first, () => deployTemplate(opts), flags, out);
}

/** Watches every function's CodeUri; a change deploys again (a burst of changes once). Ends on SIGINT/SIGTERM. */
async function watchCode(
  first: DeployResult,
  redeploy: () => Promise<DeployResult>,
  flags: DeployFlags,
  out: Out,
): Promise<number> {
  let watchers: FSWatcher[] = [];
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const rewatch = (r: DeployResult): void => {
    for (const w of watchers) w.close();
    const sources = [...new Set(r.resources.flatMap((x) => (x.code?.source ? [x.code.source] : [])))];
    watchers = sources.map((s) => watch(s, { recursive: true }, changed));
    out.write(flags.json ? '' : paint(out).dim(`Watching ${sources.join(', ')} (Ctrl-C to stop)\n`));
  };
  const changed = (): void => {
    // Editors write a file in several steps: one deploy for the burst.
    clearTimeout(timer);
    timer = setTimeout(() => {
      running = running.then(async () => {
        try {
          const r = await redeploy();
          print(r, flags, out);
          rewatch(r);
        } catch (err) {
          // The next change tries again: a template or an AWS error is the user's to fix (one line); anything
          // else is a bug in Tributary, shown with its stack.
          const e = err as Error & { $metadata?: unknown };
          const mine = err instanceof CliError || e.$metadata !== undefined;
          process.stderr.write(
            `${mine ? `${e.name === 'CliError' ? '' : `${e.name}: `}${e.message}` : e.stack}\n`,
          );
        }
      });
    }, 100);
  };
  rewatch(first);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  clearTimeout(timer);
  for (const w of watchers) w.close();
  await running;
  return 0;
}
