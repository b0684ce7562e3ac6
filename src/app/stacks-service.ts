import type { AppContext } from '../server/context.js';
import { AwsError } from '../server/errors.js';
import type { Service } from '../server/http-types.js';
import { operation, restRouter, type Call } from '../server/operations.js';
import { accountPrefix } from '../server/request-scope.js';
import { restJsonService } from '../server/protocols/rest-json.js';
import { list, map, required, string, structure, type Infer } from '../server/shapes.js';

/**
 * Where `tributary deploy` keeps a deployed SAM stack's state: which physical resource (stream name, function
 * name, mapping UUID, queue URL...) each logical id of the template became, with the properties it was deployed
 * with. Kept by the server, in its store, rather than in a file beside the template: the state then lives and dies
 * with the resources it describes (an `--in-memory` server that restarts has neither; a data dir has both), and a
 * deploy from another machine against a remote `--endpoint` sees the same stack.
 *
 * GET/PUT/DELETE /_tributary/stacks/{StackName}, GET /_tributary/stacks. GET also tells the client the server's
 * region and the caller's account (the template's AWS::Region and AWS::AccountId). Stacks are the caller's
 * account's, as its resources are: each account's under its store prefix (`accountPrefix`).
 */

const NS = 'sam.stack';

/** The caller's account (its signer's; unsigned: the default one) and where its stacks are kept. */
function accountOf(c: AppContext, call: Call): { account: string; ns: string } {
  const account = call.auth?.principal.account ?? c.options.account;
  return { account, ns: `${accountPrefix(account, c.options.account)}${NS}` };
}
const NAME = required(string({ min: 1, max: 128, pattern: /[a-zA-Z][-a-zA-Z0-9]*/, location: 'uri' }));

const RESOURCE = structure({
  LogicalId: required(string({ min: 1, max: 255 })),
  Type: required(string({ min: 1, max: 255 })),
  PhysicalId: required(string({ min: 1, max: 2048 })),
  /** Fn::GetAtt values (Arn...). */
  Attributes: map(string()),
  /** The resolved properties it was deployed with, as JSON text (compared on the next deploy). */
  Properties: required(string({ max: 1024 * 1024 })),
});

const STACK = {
  /** In deployment order: removals run in reverse. */
  Resources: required(list(RESOURCE)),
  Outputs: map(string()),
};

export type StackResource = Infer<typeof RESOURCE>;

export interface StackDoc {
  StackName: string;
  Resources: StackResource[];
  Outputs?: Record<string, string>;
  UpdatedAt: number;
}

/** What GET answers: the stack (null before its first deploy) and where it is. */
export interface StackAnswer {
  StackName: string;
  Region: string;
  AccountId: string;
  Stack: StackDoc | null;
}

const getStack = operation({
  input: structure({ StackName: NAME }),
  async run(c: AppContext, input, call): Promise<{ status: number; json: StackAnswer }> {
    const { account, ns } = accountOf(c, call);
    return {
      status: 200,
      json: {
        StackName: input.StackName,
        Region: c.options.region,
        AccountId: account,
        Stack: c.store.getDoc<StackDoc>(ns, input.StackName) ?? null,
      },
    };
  },
});

const putStack = operation({
  input: structure({ StackName: NAME, ...STACK }),
  async run(c: AppContext, input, call) {
    const doc: StackDoc = { ...input, UpdatedAt: Date.now() };
    await c.store.putDoc(accountOf(c, call).ns, input.StackName, doc);
    return { status: 200, json: doc };
  },
});

const deleteStack = operation({
  input: structure({ StackName: NAME }),
  async run(c: AppContext, input, call) {
    await c.store.deleteDoc(accountOf(c, call).ns, input.StackName);
    return { status: 204 };
  },
});

const listStacks = operation({
  input: structure({}),
  async run(c: AppContext, _input, call) {
    const stacks = c.store.listDocs<StackDoc>(accountOf(c, call).ns).map(({ doc }) => ({
      StackName: doc.StackName,
      Resources: doc.Resources.length,
      UpdatedAt: doc.UpdatedAt,
    }));
    return { status: 200, json: { Stacks: stacks } };
  },
});

export function stacksService(ctx: AppContext): Service {
  const service = 'stacks';
  const route = restRouter(service, ctx, ctx.errors, { strict: true });
  const path = '/_tributary/stacks';
  return restJsonService({
    name: service,
    parts: [
      {
        service,
        routes: [
          route('GET', path, 'ListStacks', listStacks),
          route('GET', `${path}/{StackName}`, 'GetStack', getStack),
          route('PUT', `${path}/{StackName}`, 'PutStack', putStack),
          route('DELETE', `${path}/{StackName}`, 'DeleteStack', deleteStack),
        ],
        wrongMethod: (req) =>
          new AwsError('UnknownOperationException', `No operation for ${req.method} ${req.path}`, 404),
        subtree: {
          path,
          unknownPath: () => new AwsError('ResourceNotFoundException', 'No such stacks path.', 404),
        },
      },
    ],
    invalidBody: (why) =>
      new AwsError('InvalidRequestContentException', `Could not parse request body into json: ${why}`, 400),
  });
}
