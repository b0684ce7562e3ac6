import { Validator } from '../../server/validator.js';
import { InvalidParameterValue, PreconditionFailed, ResourceConflict } from '../lambda-errors.js';
import type { LambdaContext, LambdaReply, LambdaRequest } from '../lambda-context.js';
import type { PolicyStatement } from '../model.js';
import { pathFunctionName, qualifierParam } from './function-fields.js';

const SOURCE_ARN = /arn:(aws[a-zA-Z0-9-]*):([a-zA-Z0-9-])+:([a-z]{2}(-gov)?-[a-z]+-\d{1})?:(\d{12})?:(.*)/;

/**
 * AddPermission (POST /2015-03-31/functions/{FunctionName}/policy): 201 with the statement as JSON text.
 * Tributary records resource policies (so tutorials and IaC that grant SNS/S3 the right to invoke work
 * unchanged) but does not enforce them: any caller may invoke any function.
 */
export async function addPermission(c: LambdaContext, req: LambdaRequest): Promise<LambdaReply> {
  const input = req.input();
  const v = new Validator(input);
  const name = pathFunctionName(v, req);
  const qualifier = qualifierParam(v, req);
  const sid = v.string('StatementId', { required: true, min: 1, max: 100, pattern: /([a-zA-Z0-9-_]+)/ });
  const action = v.string('Action', { required: true, pattern: /(lambda:[*]|lambda:[a-zA-Z]+|[*])/ });
  const principal = v.string('Principal', { required: true, pattern: /[^\s]+/ });
  const sourceArn = v.string('SourceArn', { pattern: SOURCE_ARN });
  const sourceAccount = v.string('SourceAccount', { max: 12, pattern: /\d{12}/ });
  const orgId = v.string('PrincipalOrgID', { min: 12, max: 34, pattern: /o-[a-z0-9]{10,32}/ });
  const revisionId = v.string('RevisionId');
  v.check();
  const r = c.functions.require(name, qualifier);
  if (revisionId !== undefined && revisionId !== r.revisionId) {
    throw PreconditionFailed(
      'The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id',
    );
  }
  const policy = r.policy ?? [];
  if (policy.some((s) => s.Sid === sid)) {
    throw ResourceConflict(
      'The statement id (sid) provided already exists. Please choose another statement id, or remove the existing statement.',
    );
  }
  if (!/^lambda:|^\*$/.test(action!)) throw InvalidParameterValue(`Invalid action: ${action}`);
  const statement: PolicyStatement = {
    Sid: sid!,
    Effect: 'Allow',
    Principal: principalOf(principal!),
    Action: action!,
    Resource: c.functions.arn(r.name),
  };
  const condition: Record<string, Record<string, string>> = {};
  if (sourceAccount !== undefined) condition['StringEquals'] = { 'AWS:SourceAccount': sourceAccount };
  if (orgId !== undefined)
    condition['StringEquals'] = { ...(condition['StringEquals'] ?? {}), 'aws:PrincipalOrgID': orgId };
  if (sourceArn !== undefined) condition['ArnLike'] = { 'AWS:SourceArn': sourceArn };
  if (Object.keys(condition).length > 0) statement.Condition = condition;
  await c.functions.setPolicy(r.name, [...policy, statement]);
  return { status: 201, json: { Statement: JSON.stringify(statement) } };
}

/** How AWS writes a principal: services as {Service}, accounts as their root ARN, `*` as is. */
function principalOf(p: string): string | Record<string, string> {
  if (p === '*') return '*';
  if (p.endsWith('.amazonaws.com')) return { Service: p };
  if (/^\d{12}$/.test(p)) return { AWS: `arn:aws:iam::${p}:root` };
  return { AWS: p };
}
