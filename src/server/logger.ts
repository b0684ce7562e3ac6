import { pino, type DestinationStream, type Logger } from 'pino';

/**
 * What the server's log never shows, wherever it appears in a logged object: request signatures and session
 * tokens (a header a request log or an error might carry) and secret keys (IAM's and STS's documents, the server's
 * options, a worker's credentials). Nothing logs these today; this is the guard for the line someone adds later.
 */
export const REDACTED_PATHS: readonly string[] = [
  'authorization',
  'Authorization',
  'x-amz-security-token',
  'X-Amz-Security-Token',
  'X-Amz-Signature',
  'secretAccessKey',
  'SecretAccessKey',
  'sessionToken',
  'SessionToken',
  'credentials',
].flatMap((key) => {
  const k = /^[A-Za-z]+$/.test(key) ? key : `["${key}"]`;
  const at = (parent: string): string => (k.startsWith('[') ? `${parent}${k}` : `${parent}.${k}`);
  // Top level, one level down (`options.secretAccessKey`), and under headers at either depth.
  return [k, at('*'), at('headers'), at('*.headers')];
});

/** The server's logger: pino at `level` (to stdout unless `to`), with `REDACTED_PATHS` replaced by "[redacted]". */
export function serverLogger(level: string, to?: DestinationStream): Logger {
  const options = { level, redact: { paths: [...REDACTED_PATHS], censor: '[redacted]' } };
  return to === undefined ? pino(options) : pino(options, to);
}
