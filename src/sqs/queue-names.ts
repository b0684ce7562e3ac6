import type { AppContext } from '../server/context.js';
import { arn } from '../server/context.js';
import { invalidParameter, sqsError } from './errors.js';

/** AWS's rule: 1-80 alphanumerics, hyphens and underscores; FIFO queues add `.fifo`. */
const QUEUE_NAME = /^[A-Za-z0-9_-]{1,80}$/;
const FIFO_QUEUE_NAME = /^[A-Za-z0-9_-]{1,75}\.fifo$/;

export function isFifoName(name: string): boolean {
  return name.endsWith('.fifo');
}

export function checkQueueName(name: string): void {
  if (!QUEUE_NAME.test(name) && !FIFO_QUEUE_NAME.test(name)) {
    throw invalidParameter(
      'Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length',
    );
  }
}

export function queueArn(ctx: AppContext, name: string): string {
  return arn(ctx, 'sqs', name);
}

/** `http://host:port/ACCOUNT/NAME`, with the host the client used (so SDKs that route by URL come back here). */
export function queueUrl(ctx: AppContext, host: string, name: string): string {
  return `http://${host}/${ctx.options.account}/${name}`;
}

/** host:port for URLs built outside a request (internal API). */
export function defaultHost(ctx: AppContext): string {
  const { host, port } = ctx.endpoint;
  const h = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  return `${h}:${port}`;
}

/**
 * The queue name a QueueUrl addresses. Any scheme and host are accepted (clients configured for real
 * AWS hosts still reach us); the path must be `/ACCOUNT/NAME` with our account.
 * Returns undefined when the URL names another account (the queue cannot exist).
 */
export function nameFromUrl(ctx: AppContext, url: string): string | undefined {
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    // A bare path (`/000000000000/q`) is what some query clients post to.
    if (!url.startsWith('/'))
      throw sqsError('InvalidAddress', `The address ${url} is not valid for this endpoint.`);
    path = url;
  }
  const parts = path.split('/').filter((p) => p !== '');
  if (parts.length !== 2 || !/^\d{12}$/.test(parts[0]!)) {
    throw sqsError('InvalidAddress', `The address ${url} is not valid for this endpoint.`);
  }
  if (parts[0] !== ctx.options.account) return undefined;
  return decodeURIComponent(parts[1]!);
}

/** The queue name an SQS ARN addresses in this region/account, or undefined. */
export function nameFromArn(ctx: AppContext, queueArnValue: string): string | undefined {
  const prefix = `arn:aws:sqs:${ctx.options.region}:${ctx.options.account}:`;
  if (!queueArnValue.startsWith(prefix)) return undefined;
  const name = queueArnValue.slice(prefix.length);
  return QUEUE_NAME.test(name) || FIFO_QUEUE_NAME.test(name) ? name : undefined;
}
