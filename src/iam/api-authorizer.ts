import { AwsError } from '../server/errors.js';
import type { ApiRequest } from '../server/http-types.js';
import type { ErrorProtocol } from '../server/serialize-error.js';
import type { RequestAuthorizer } from '../server/router.js';
import { queryParamsOf } from '../server/protocols/query.js';
import { rpcBodyOf } from '../server/protocols/rpc.js';
import type { IamAccounts } from './iam-accounts.js';
import { evaluate, type Decision } from './policy-engine.js';

/**
 * Authorizes API callers by their IAM policies (`--iam enforce`): each request is the action
 * `<service prefix>:<operation>` (kinesis:PutRecord, lambda:CreateEventSourceMapping, sqs:SendMessage...) on the
 * resource it names, when it names one (a stream, a function, a queue, a topic) and `*` otherwise, as AWS's service
 * authorization reference lists them. The account's root may do everything; GetCallerIdentity needs no permission.
 */

/** The IAM service prefix of each of our services (by the name the router knows it by). */
function prefixOf(service: string): string {
  if (service.startsWith('kinesis')) return 'kinesis';
  if (service.startsWith('lambda')) return 'lambda';
  if (service.startsWith('sqs')) return 'sqs';
  if (service.startsWith('sns')) return 'sns';
  if (service.startsWith('cloudwatch')) return 'cloudwatch';
  if (service.startsWith('logs')) return 'logs';
  if (service === 'iam' || service === 'sts') return service;
  // Tributary's own endpoints (status, console, stacks, replay): `tributary:<operation>`.
  return 'tributary';
}

/**
 * The JSON or CBOR body as the protocol layer reads it (once per request: the service reuses the read). One it
 * cannot read is authorized on `*`: the service then answers it as the SerializationException it is.
 */
function jsonBody(req: ApiRequest): Record<string, unknown> | undefined {
  if (req.body.length === 0) return undefined;
  const read = rpcBodyOf(req, String(req.headers['content-type'] ?? '').includes('cbor'));
  const v = 'value' in read ? read.value : undefined;
  return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : undefined;
}

/** The ARN of the resource a request acts on, or `*`. */
export function resourceOf(prefix: string, req: ApiRequest, region: string, account: string): string {
  const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
  if (prefix === 'kinesis') {
    const b = jsonBody(req);
    const arn = str(b?.['ConsumerARN']) ?? str(b?.['ResourceARN']) ?? str(b?.['StreamARN']);
    if (arn) return arn;
    const name = str(b?.['StreamName']);
    return name ? `arn:aws:kinesis:${region}:${account}:stream/${name}` : '*';
  }
  if (prefix === 'lambda') {
    const m = /^\/\d{4}-\d{2}-\d{2}\/functions\/([^/]+)/.exec(req.path);
    if (!m) return '*';
    const fn = decodeURIComponent(m[1]!);
    return fn.startsWith('arn:') ? fn : `arn:aws:lambda:${region}:${account}:function:${fn}`;
  }
  if (prefix === 'sqs') {
    const url = str(queryParamsOf(req)?.get('QueueUrl')) ?? str(jsonBody(req)?.['QueueUrl']);
    // A queue URL names its owner: http://host/<account>/<name>.
    const owned = url ? /\/(\d{12})\/([^/]+)$/.exec(url) : null;
    if (owned) return `arn:aws:sqs:${region}:${owned[1]}:${owned[2]}`;
    const name = url?.slice(url.lastIndexOf('/') + 1);
    return name ? `arn:aws:sqs:${region}:${account}:${name}` : '*';
  }
  if (prefix === 'sns') return str(queryParamsOf(req)?.get('TopicArn')) ?? '*';
  return '*';
}

function denied(prefix: string, protocol: ErrorProtocol, message: string): AwsError {
  // SNS names it AuthorizationError (AuthorizationErrorException in the SDKs); the other query APIs AccessDenied.
  if (prefix === 'sns') return new AwsError('AuthorizationError', message, 403);
  if (protocol === 'query') return new AwsError('AccessDenied', message, 403);
  return new AwsError('AccessDeniedException', message, protocol === 'rest-json' ? 403 : 400);
}

export function accessDeniedMessage(
  who: string,
  action: string,
  resource: string,
  decision: Decision | 'NoResourcePolicy',
): string {
  const why =
    decision === 'ExplicitDeny'
      ? 'with an explicit deny in an identity-based policy'
      : `because no ${decision === 'NoResourcePolicy' ? 'resource' : 'identity'}-based policy allows the ${action} action`;
  return `User: ${who} is not authorized to perform: ${action} on resource: ${resource} ${why}`;
}

export function apiAuthorizer(accounts: IamAccounts): RequestAuthorizer {
  return (req, site) => {
    const auth = req.auth;
    if (!auth) return;
    const prefix = prefixOf(site.service);
    // An AWS request naming no operation is answered UnknownOperation by its service; Tributary's own endpoints
    // name none and are `tributary:Admin`.
    if (site.operation === undefined && prefix !== 'tributary') return;
    // The signer's policies are its own account's.
    const policies = accounts.registry(auth.principal.account).policiesOf(auth.principal);
    if (policies === 'all') return;
    // STS decides itself: GetCallerIdentity needs no permission, AssumeRole weighs the role's trust policy too.
    if (prefix === 'sts') return;
    const action = `${prefix}:${site.operation ?? 'Admin'}`;
    const resource = resourceOf(prefix, req, auth.region, auth.principal.account);
    const decision = evaluate(policies, {
      action,
      resource,
      context: {
        'aws:PrincipalArn': auth.principal.arn,
        'aws:PrincipalAccount': auth.principal.account,
        'aws:RequestedRegion': auth.region,
        'aws:CurrentTime': new Date().toISOString(),
      },
    });
    if (decision !== 'Allow')
      throw denied(
        prefix,
        site.protocol,
        accessDeniedMessage(auth.principal.arn, action, resource, decision),
      );
  };
}

/**
 * Refuses a request that names (by ARN, or a queue URL) a resource of another of this server's accounts. On AWS a
 * principal reaches another account's stream, function, queue or topic only when the resource's own policy allows
 * it ("To allow cross-account access, you attach a resource-based policy to the resource that you want to share",
 * IAM User Guide, cross-account policy evaluation logic); Tributary does not evaluate resource-based policies
 * (Kinesis's PutResourcePolicy keeps them, no more), so such a
 * request is AccessDenied in the protocol's shape, whatever the caller's own policies say, with or without
 * `--iam enforce`. An ARN of an account the server does not have names nothing: the service answers it as not found.
 */
export function denyCrossAccount(
  req: ApiRequest,
  site: { service: string; operation: string | undefined; protocol: ErrorProtocol },
  scope: { region: string; account: string },
  known: ReadonlySet<string>,
): void {
  if (site.operation === undefined || known.size < 2) return;
  // Most requests name no other account at all: a byte search spares them reading the body as JSON.
  const query = req.query.toString();
  const others = [...known].filter((a) => a !== scope.account);
  if (!others.some((a) => req.body.includes(a) || req.path.includes(a) || query.includes(a))) return;
  const prefix = prefixOf(site.service);
  const resource = resourceOf(prefix, req, scope.region, scope.account);
  const owner = resource.split(':')[4];
  if (owner === undefined || owner === scope.account || !known.has(owner)) return;
  const action = `${prefix}:${site.operation}`;
  const who = req.auth?.principal.arn ?? `arn:aws:iam::${scope.account}:root`;
  throw denied(prefix, site.protocol, accessDeniedMessage(who, action, resource, 'NoResourcePolicy'));
}
