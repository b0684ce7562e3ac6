import { operation } from '../../server/operations.js';
import { required, string, structure, type Infer } from '../../server/shapes.js';
import { checkRevision, InvalidParameterValue, ResourceConflict } from '../lambda-errors.js';
import type { LambdaContext, LambdaReply } from '../lambda-context.js';
import type { PolicyStatement } from '../model.js';
import { FUNCTION_NAME_PATH, QUALIFIER } from './function-fields.js';

const SOURCE_ARN = /arn:(aws[a-zA-Z0-9-]*):([a-zA-Z0-9-])+:([a-z]{2}(-gov)?-[a-z]+-\d{1})?:(\d{12})?:(.*)/;

/**
 * AddPermission (POST /2015-03-31/functions/{FunctionName}/policy): 201 with the statement as JSON text.
 * Tributary records resource policies (so tutorials and IaC that grant SNS/S3 the right to invoke work
 * unchanged) but does not enforce them: any caller may invoke any function.
 */
const INPUT = structure({
  FunctionName: FUNCTION_NAME_PATH,
  Qualifier: QUALIFIER,
  StatementId: required(string({ min: 1, max: 100, pattern: /([a-zA-Z0-9-_]+)/ })),
  Action: required(string({ pattern: /(lambda:[*]|lambda:[a-zA-Z]+|[*])/ })),
  Principal: required(string({ pattern: /[^\s]+/ })),
  SourceArn: string({ pattern: SOURCE_ARN }),
  SourceAccount: string({ max: 12, pattern: /\d{12}/ }),
  PrincipalOrgID: string({ min: 12, max: 34, pattern: /o-[a-z0-9]{10,32}/ }),
  RevisionId: string(),
});

export const addPermission = operation({
  input: INPUT,
  run: (c: LambdaContext, input) => add(c, input),
});

async function add(c: LambdaContext, input: Infer<typeof INPUT>): Promise<LambdaReply> {
  const { FunctionName: name, Qualifier: qualifier, StatementId: sid, Action: action } = input;
  const { Principal: principal, SourceArn: sourceArn, SourceAccount: sourceAccount } = input;
  const { PrincipalOrgID: orgId, RevisionId: revisionId } = input;
  const t = c.functions.require(name, qualifier);
  checkRevision(revisionId, t.alias?.revisionId ?? t.record.revisionId);
  const policy = c.functions.policyOf(t);
  if (policy.some((s) => s.Sid === sid)) {
    throw ResourceConflict(
      'The statement id (sid) provided already exists. Please choose another statement id, or remove the existing statement.',
    );
  }
  if (!/^lambda:|^\*$/.test(action)) throw InvalidParameterValue(`Invalid action: ${action}`);
  const statement: PolicyStatement = {
    Sid: sid,
    Effect: 'Allow',
    Principal: principalOf(principal),
    Action: action,
    Resource: t.arn,
  };
  const condition: Record<string, Record<string, string>> = {};
  if (sourceAccount !== undefined) condition['StringEquals'] = { 'AWS:SourceAccount': sourceAccount };
  if (orgId !== undefined)
    condition['StringEquals'] = { ...(condition['StringEquals'] ?? {}), 'aws:PrincipalOrgID': orgId };
  if (sourceArn !== undefined) condition['ArnLike'] = { 'AWS:SourceArn': sourceArn };
  if (Object.keys(condition).length > 0) statement.Condition = condition;
  await c.functions.setPolicy(t, [...policy, statement]);
  return { status: 201, json: { Statement: JSON.stringify(statement) } };
}

/** How AWS writes a principal: services as {Service}, accounts as their root ARN, `*` as is. */
function principalOf(p: string): string | Record<string, string> {
  if (p === '*') return '*';
  if (p.endsWith('.amazonaws.com')) return { Service: p };
  if (/^\d{12}$/.test(p)) return { AWS: `arn:aws:iam::${p}:root` };
  return { AWS: p };
}
