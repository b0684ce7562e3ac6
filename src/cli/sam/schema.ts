import { INTRINSICS, intrinsicOf } from './intrinsics.js';
import type { Template, TemplateIssue, TemplatePath } from './template.js';

/** What Tributary deploys of a resource type: its properties, its Fn::GetAtt attributes, what Ref gives. */
export interface TypeSpec {
  properties: readonly string[];
  required?: readonly string[];
  attributes: readonly string[];
}

/** The mapping properties, the same for a SAM Kinesis event and AWS::Lambda::EventSourceMapping. */
const MAPPING = [
  'StartingPosition',
  'StartingPositionTimestamp',
  'BatchSize',
  'MaximumBatchingWindowInSeconds',
  'Enabled',
  'BisectBatchOnFunctionError',
  'MaximumRecordAgeInSeconds',
  'MaximumRetryAttempts',
  'ParallelizationFactor',
  'DestinationConfig',
  'FilterCriteria',
  'FunctionResponseTypes',
  'TumblingWindowInSeconds',
  'MetricsConfig',
];

const FUNCTION = [
  'FunctionName',
  'Handler',
  'Runtime',
  'Timeout',
  'MemorySize',
  'Environment',
  'Role',
  'Layers',
  'Description',
  'ReservedConcurrentExecutions',
  'Tags',
  'Architectures',
];

export const SERVERLESS_FUNCTION = 'AWS::Serverless::Function';

export const TYPES: Record<string, TypeSpec> = {
  [SERVERLESS_FUNCTION]: {
    properties: [...FUNCTION, 'CodeUri', 'InlineCode', 'Policies', 'AutoPublishAlias', 'Events'],
    attributes: ['Arn'],
  },
  // CloudFormation requires Role here (SAM's function generates one when it is absent).
  'AWS::Lambda::Function': {
    properties: [...FUNCTION, 'Code'],
    required: ['Code', 'Role'],
    attributes: ['Arn'],
  },
  'AWS::Lambda::EventSourceMapping': {
    properties: ['FunctionName', 'EventSourceArn', ...MAPPING],
    required: ['FunctionName', 'EventSourceArn'],
    attributes: ['Id'],
  },
  'AWS::Lambda::Version': {
    properties: ['FunctionName', 'Description'],
    required: ['FunctionName'],
    attributes: ['Version', 'FunctionArn'],
  },
  'AWS::Lambda::Alias': {
    properties: ['FunctionName', 'FunctionVersion', 'Name', 'Description'],
    required: ['FunctionName', 'FunctionVersion', 'Name'],
    attributes: ['AliasArn'],
  },
  'AWS::Lambda::LayerVersion': {
    properties: ['LayerName', 'Content', 'CompatibleRuntimes', 'Description'],
    required: ['Content'],
    attributes: ['LayerVersionArn'],
  },
  'AWS::IAM::Role': {
    properties: ['RoleName', 'Path', 'AssumeRolePolicyDocument', 'ManagedPolicyArns', 'Policies'],
    required: ['AssumeRolePolicyDocument'],
    attributes: ['Arn', 'RoleId'],
  },
  'AWS::Kinesis::Stream': {
    properties: ['Name', 'ShardCount', 'RetentionPeriodHours', 'StreamModeDetails', 'Tags'],
    attributes: ['Arn'],
  },
  'AWS::Kinesis::StreamConsumer': {
    properties: ['ConsumerName', 'StreamARN'],
    required: ['ConsumerName', 'StreamARN'],
    attributes: ['ConsumerARN', 'ConsumerName', 'ConsumerStatus', 'ConsumerCreationTimestamp', 'StreamARN'],
  },
  'AWS::SQS::Queue': {
    properties: [
      'QueueName',
      'DelaySeconds',
      'MaximumMessageSize',
      'MessageRetentionPeriod',
      'ReceiveMessageWaitTimeSeconds',
      'VisibilityTimeout',
      'RedrivePolicy',
      'FifoQueue',
      'ContentBasedDeduplication',
      'Tags',
    ],
    attributes: ['Arn', 'QueueName', 'QueueUrl'],
  },
  'AWS::SNS::Topic': {
    properties: ['TopicName', 'DisplayName', 'Subscription', 'FifoTopic', 'Tags'],
    attributes: ['TopicArn', 'TopicName'],
  },
};

/** Properties of a SAM event of Type Kinesis (the only event type of a Kinesis application). */
export const KINESIS_EVENT = ['Stream', ...MAPPING];

const SECTIONS = [
  'AWSTemplateFormatVersion',
  'Transform',
  'Description',
  'Metadata',
  'Parameters',
  'Conditions',
  'Globals',
  'Resources',
  'Outputs',
];
/** Resource keys besides Type and Properties; DeletionPolicy/UpdateReplacePolicy are accepted and not applied. */
const RESOURCE_KEYS = [
  'Type',
  'Properties',
  'DependsOn',
  'Condition',
  'Metadata',
  'DeletionPolicy',
  'UpdateReplacePolicy',
];
const PARAMETER_KEYS = [
  'Type',
  'Default',
  'AllowedValues',
  'Description',
  'AllowedPattern',
  'MinLength',
  'MaxLength',
  'MinValue',
  'MaxValue',
  'ConstraintDescription',
  'NoEcho',
];
const GLOBAL_FUNCTION = TYPES[SERVERLESS_FUNCTION]!.properties.filter(
  (p) => p !== 'Events' && p !== 'FunctionName',
);

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Everything in a template Tributary does not deploy, each with where it is: sections, resource types,
 * properties, event types and intrinsic functions. Checked before anything is deployed.
 */
export function unsupported(t: Template): TemplateIssue[] {
  const issues: TemplateIssue[] = [];
  const b = t.body;
  const unknownKeys = (
    obj: Record<string, unknown>,
    allowed: readonly string[],
    at: TemplatePath,
    what: string,
  ) => {
    for (const k of Object.keys(obj))
      if (!allowed.includes(k))
        issues.push({ path: [...at, k], message: `${what} ${k} is not supported by Tributary` });
  };
  unknownKeys(b, SECTIONS, [], 'the section');
  const transform = b['Transform'];
  if (transform !== undefined && transform !== 'AWS::Serverless-2016-10-31')
    issues.push({
      path: ['Transform'],
      message: `the transform ${JSON.stringify(transform)} is not supported (only AWS::Serverless-2016-10-31)`,
    });
  const globals = b['Globals'];
  if (isObject(globals)) {
    unknownKeys(globals, ['Function'], ['Globals'], 'the Globals section');
    if (isObject(globals['Function']))
      unknownKeys(globals['Function'], GLOBAL_FUNCTION, ['Globals', 'Function'], 'the global property');
  }
  const params = b['Parameters'];
  if (isObject(params))
    for (const [name, p] of Object.entries(params))
      if (isObject(p)) unknownKeys(p, PARAMETER_KEYS, ['Parameters', name], 'the parameter key');
  const resources = b['Resources'];
  if (!isObject(resources) || Object.keys(resources).length === 0) {
    issues.push({
      path: ['Resources'],
      message: 'a template needs a Resources section with at least one resource',
    });
    return issues;
  }
  for (const [id, r] of Object.entries(resources)) {
    const at = ['Resources', id];
    if (!/^[A-Za-z0-9]+$/.test(id))
      issues.push({ path: at, message: 'a logical id is letters and digits only' });
    if (!isObject(r) || typeof r['Type'] !== 'string') {
      issues.push({ path: at, message: 'a resource needs a Type' });
      continue;
    }
    unknownKeys(r, RESOURCE_KEYS, at, 'the resource key');
    const spec = TYPES[r['Type']];
    if (!spec) {
      issues.push({
        path: [...at, 'Type'],
        message: `the resource type ${r['Type']} is not supported by Tributary (supported: ${Object.keys(TYPES).join(', ')})`,
      });
      continue;
    }
    const props = r['Properties'] ?? {};
    if (!isObject(props)) {
      issues.push({ path: [...at, 'Properties'], message: 'Properties is a mapping' });
      continue;
    }
    unknownKeys(props, spec.properties, [...at, 'Properties'], `the property`);
    for (const req of spec.required ?? [])
      if (!(req in props)) issues.push({ path: [...at, 'Properties'], message: `${r['Type']} needs ${req}` });
    if (r['Type'] === SERVERLESS_FUNCTION && isObject(props['Events'])) {
      for (const [ev, e] of Object.entries(props['Events'])) {
        const eat = [...at, 'Properties', 'Events', ev];
        if (!isObject(e) || e['Type'] !== 'Kinesis') {
          issues.push({
            path: [...eat, 'Type'],
            message: `the event type ${isObject(e) ? String(e['Type']) : '?'} is not supported by Tributary (supported: Kinesis)`,
          });
          continue;
        }
        unknownKeys(e, ['Type', 'Properties'], eat, 'the event key');
        const ep = e['Properties'];
        if (!isObject(ep) || ep['Stream'] === undefined) {
          issues.push({
            path: [...eat, 'Properties'],
            message: 'a Kinesis event needs Properties with Stream',
          });
          continue;
        }
        unknownKeys(ep, KINESIS_EVENT, [...eat, 'Properties'], 'the Kinesis event property');
      }
    }
  }
  intrinsicIssues(b, [], issues);
  return issues;
}

/** Intrinsic functions Tributary does not evaluate (Fn::FindInMap, Fn::ImportValue...). */
function intrinsicIssues(v: unknown, at: TemplatePath, issues: TemplateIssue[]): void {
  if (Array.isArray(v)) return v.forEach((x, i) => intrinsicIssues(x, [...at, i], issues));
  if (!isObject(v)) return;
  const fn = intrinsicOf(v);
  if (fn && !INTRINSICS.includes(fn[0]))
    issues.push({
      path: at,
      message: `the intrinsic function ${fn[0]} is not supported by Tributary (supported: ${INTRINSICS.join(', ')})`,
    });
  for (const [k, x] of Object.entries(v)) intrinsicIssues(x, [...at, k], issues);
}
