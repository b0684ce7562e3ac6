import { adminJson, serverEndpoint, type ServerFlags } from './common.js';

/**
 * `tributary console-link`: a new one-time sign-in link for the web console of a server that checks signatures
 * (POST /_tributary/console/links, signed with the command's credentials: the link signs the browser in as the same
 * caller). For when the link `tributary up` printed was used or has expired. Written to stdout only.
 */
export async function consoleLink(
  flags: ServerFlags,
  out: NodeJS.WritableStream = process.stdout,
): Promise<number> {
  const r = await adminJson<{ Url: string }>(serverEndpoint(flags), '/_tributary/console/links', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  });
  out.write(flags.json ? JSON.stringify(r) + '\n' : `${r.Url}\n`);
  return 0;
}
