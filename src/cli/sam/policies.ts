import { AWS_MANAGED_POLICIES } from '../../iam/managed-policies.js';
import { intrinsicOf } from './intrinsics.js';
import type { TemplateIssue, TemplatePath } from './template.js';

/**
 * The execution role SAM generates for an AWS::Serverless::Function without Role (the SAM developer guide,
 * AWS::Serverless::Function, Policies: "If the Role property is set, this property is ignored"): an
 * AWS::IAM::Role with logical id `<Function>Role` that lambda.amazonaws.com may assume, whose ManagedPolicyArns
 * are AWSLambdaBasicExecutionRole, AWSLambdaKinesisExecutionRole when the function has a Kinesis event (SAM's
 * pull event sources add their service's managed policy), and the managed policies its Policies name; its
 * inline Policies are Policies' policy documents and policy templates (`<Function>RolePolicy<index>`) and, for an
 * event's DestinationConfig.OnFailure of Type SQS or SNS, the send permission SAM adds
 * (`<Function><Event>SQSPolicy` / `SNSPolicy`).
 */

const managedArn = (path: string, name: string): string => `arn:aws:iam::aws:policy${path}${name}`;
export const BASIC_EXECUTION_ROLE = managedArn('/service-role/', 'AWSLambdaBasicExecutionRole');
export const KINESIS_EXECUTION_ROLE = managedArn('/service-role/', 'AWSLambdaKinesisExecutionRole');

const LAMBDA_TRUST = {
  Version: '2012-10-17',
  Statement: [
    { Action: ['sts:AssumeRole'], Effect: 'Allow', Principal: { Service: ['lambda.amazonaws.com'] } },
  ],
};

/** `arn:${AWS::Partition}:SERVICE:${AWS::Region}:${AWS::AccountId}:RESOURCE`, RESOURCE's `${x}` the template's parameter. */
const arnOf = (service: string, resource: string, param?: string, value?: unknown): unknown => {
  const text = `arn:\${AWS::Partition}:${service}:\${AWS::Region}:\${AWS::AccountId}:${resource}`;
  return param === undefined ? { 'Fn::Sub': text } : { 'Fn::Sub': [text, { [param]: value }] };
};

interface PolicyTemplate {
  parameters: readonly string[];
  statements(p: Record<string, unknown>): unknown[];
}

/**
 * SAM's policy templates a Kinesis application uses, with the statements of SAM's policy_templates.json; any other
 * template name is refused.
 */
export const POLICY_TEMPLATES: Record<string, PolicyTemplate> = {
  KinesisStreamReadPolicy: {
    parameters: ['StreamName'],
    statements: (p) => [
      {
        Effect: 'Allow',
        Action: ['kinesis:ListStreams', 'kinesis:DescribeLimits'],
        Resource: arnOf('kinesis', 'stream/*'),
      },
      {
        Effect: 'Allow',
        Action: [
          'kinesis:DescribeStream',
          'kinesis:DescribeStreamSummary',
          'kinesis:GetRecords',
          'kinesis:GetShardIterator',
        ],
        Resource: arnOf('kinesis', 'stream/${streamName}', 'streamName', p['StreamName']),
      },
    ],
  },
  KinesisCrudPolicy: {
    parameters: ['StreamName'],
    statements: (p) => [
      {
        Effect: 'Allow',
        Action: [
          'kinesis:AddTagsToStream',
          'kinesis:CreateStream',
          'kinesis:DecreaseStreamRetentionPeriod',
          'kinesis:DeleteStream',
          'kinesis:DescribeStream',
          'kinesis:DescribeStreamSummary',
          'kinesis:GetShardIterator',
          'kinesis:IncreaseStreamRetentionPeriod',
          'kinesis:ListTagsForStream',
          'kinesis:MergeShards',
          'kinesis:PutRecord',
          'kinesis:PutRecords',
          'kinesis:SplitShard',
          'kinesis:RemoveTagsFromStream',
        ],
        Resource: arnOf('kinesis', 'stream/${streamName}', 'streamName', p['StreamName']),
      },
    ],
  },
  SQSSendMessagePolicy: {
    parameters: ['QueueName'],
    statements: (p) => [
      {
        Effect: 'Allow',
        Action: ['sqs:SendMessage*'],
        Resource: arnOf('sqs', '${queueName}', 'queueName', p['QueueName']),
      },
    ],
  },
  SQSPollerPolicy: {
    parameters: ['QueueName'],
    statements: (p) => [
      {
        Effect: 'Allow',
        Action: [
          'sqs:ChangeMessageVisibility',
          'sqs:ChangeMessageVisibilityBatch',
          'sqs:DeleteMessage',
          'sqs:DeleteMessageBatch',
          'sqs:GetQueueAttributes',
          'sqs:ReceiveMessage',
        ],
        Resource: arnOf('sqs', '${queueName}', 'queueName', p['QueueName']),
      },
    ],
  },
  SNSPublishMessagePolicy: {
    parameters: ['TopicName'],
    statements: (p) => [
      {
        Effect: 'Allow',
        Action: ['sns:Publish'],
        Resource: arnOf('sns', '${topicName}', 'topicName', p['TopicName']),
      },
    ],
  },
  LambdaInvokePolicy: {
    parameters: ['FunctionName'],
    statements: (p) => [
      {
        Effect: 'Allow',
        Action: ['lambda:InvokeFunction'],
        Resource: arnOf('lambda', 'function:${functionName}*', 'functionName', p['FunctionName']),
      },
    ],
  },
  CloudWatchPutMetricPolicy: {
    parameters: [],
    statements: () => [{ Effect: 'Allow', Action: ['cloudwatch:PutMetricData'], Resource: '*' }],
  },
};

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** One inline policy of a role, as AWS::IAM::Role's Policies hold them. */
export interface InlinePolicy {
  PolicyName: string;
  PolicyDocument: unknown;
}

/** What a function's Policies add to its generated role; `issues` gets what cannot be read, with where. */
export function functionPolicies(
  functionId: string,
  policies: unknown,
  at: TemplatePath,
  issues: TemplateIssue[],
): { managed: unknown[]; inline: InlinePolicy[] } {
  const managed: unknown[] = [];
  const inline: InlinePolicy[] = [];
  if (policies === undefined) return { managed, inline };
  // A single name or document stands for a list of one (the SAM spec: string | List | Map).
  const list = Array.isArray(policies) ? policies : [policies];
  const where = (i: number): TemplatePath => (Array.isArray(policies) ? [...at, i] : at);
  list.forEach((p, i) => {
    if (typeof p === 'string') {
      if (p.startsWith('arn:')) return void managed.push(p);
      const known = AWS_MANAGED_POLICIES.find((m) => m.name === p);
      if (known) return void managed.push(managedArn(known.path, known.name));
      return void issues.push({
        path: where(i),
        message: `the managed policy ${p} is not one Tributary has (${AWS_MANAGED_POLICIES.map((m) => m.name).join(', ')}); give a policy of your own by its ARN`,
      });
    }
    // A managed policy's ARN from a parameter or another resource.
    if (intrinsicOf(p)) return void managed.push(p);
    const name = `${functionId}RolePolicy${i}`;
    if (isObject(p) && 'Statement' in p) return void inline.push({ PolicyName: name, PolicyDocument: p });
    const keys = isObject(p) ? Object.keys(p) : [];
    const template = keys.length === 1 ? POLICY_TEMPLATES[keys[0]!] : undefined;
    if (!template)
      return void issues.push({
        path: where(i),
        message: `the policy template ${keys.join(', ') || JSON.stringify(p)} is not supported by Tributary (supported: ${Object.keys(POLICY_TEMPLATES).join(', ')}; or a managed policy's name or ARN, or a policy document)`,
      });
    const args = (p as Record<string, unknown>)[keys[0]!];
    const given = isObject(args) ? args : {};
    const missing = template.parameters.filter((x) => given[x] === undefined);
    if (!isObject(args) || missing.length > 0)
      return void issues.push({
        path: where(i),
        message: `the policy template ${keys[0]} needs ${template.parameters.map((x) => `${x}: ...`).join(', ') || '{}'}`,
      });
    inline.push({ PolicyName: name, PolicyDocument: { Statement: template.statements(given) } });
  });
  return { managed, inline };
}

/** SAM's send permission for an event's on-failure destination (its Type says which service). */
export function destinationPolicy(eventLogicalId: string, onFailure: unknown): InlinePolicy | undefined {
  if (!isObject(onFailure) || onFailure['Destination'] === undefined) return undefined;
  const action = { SQS: 'sqs:SendMessage', SNS: 'sns:Publish' }[String(onFailure['Type'])];
  if (!action) return undefined;
  return {
    PolicyName: `${eventLogicalId}${String(onFailure['Type'])}Policy`,
    PolicyDocument: {
      Statement: [{ Action: action, Effect: 'Allow', Resource: onFailure['Destination'] }],
    },
  };
}

/** The generated role's properties. */
export function executionRole(
  managed: unknown[],
  inline: InlinePolicy[],
  kinesisEvents: boolean,
): Record<string, unknown> {
  return {
    AssumeRolePolicyDocument: LAMBDA_TRUST,
    ManagedPolicyArns: [BASIC_EXECUTION_ROLE, ...(kinesisEvents ? [KINESIS_EXECUTION_ROLE] : []), ...managed],
    ...(inline.length > 0 ? { Policies: inline } : {}),
  };
}
