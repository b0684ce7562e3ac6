import type { PolicyDocument } from './policy-engine.js';

/**
 * AWS managed policies with their statements as AWS publishes them (IAM > Policies > AWS managed), the ones a
 * Kinesis + Lambda application attaches. Their ARNs are `arn:aws:iam::aws:policy/<path><name>`.
 */
export interface ManagedPolicySpec {
  name: string;
  path: string;
  description: string;
  document: PolicyDocument;
}

const allowAll = (actions: string[], resource: string | string[] = '*'): PolicyDocument => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: actions, Resource: resource }],
});

const LOGS = ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'];

export const AWS_MANAGED_POLICIES: readonly ManagedPolicySpec[] = [
  {
    name: 'AWSLambdaKinesisExecutionRole',
    path: '/service-role/',
    description: 'Provides list and read access to Kinesis streams and write permissions to CloudWatch logs.',
    document: allowAll([
      'kinesis:DescribeStream',
      'kinesis:DescribeStreamSummary',
      'kinesis:GetRecords',
      'kinesis:GetShardIterator',
      'kinesis:ListShards',
      'kinesis:ListStreams',
      'kinesis:SubscribeToShard',
      ...LOGS,
    ]),
  },
  {
    name: 'AWSLambdaBasicExecutionRole',
    path: '/service-role/',
    description: 'Provides write permissions to CloudWatch Logs.',
    document: allowAll(LOGS),
  },
  {
    name: 'AWSLambdaSQSQueueExecutionRole',
    path: '/service-role/',
    description:
      'Provides receive message, delete message, and read attribute access to SQS queues, and write permissions to CloudWatch logs.',
    document: allowAll(['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', ...LOGS]),
  },
  {
    name: 'AmazonKinesisFullAccess',
    path: '/',
    description: 'Provides full access to all streams via the AWS Management Console.',
    document: allowAll(['kinesis:*']),
  },
  {
    name: 'AmazonKinesisReadOnlyAccess',
    path: '/',
    description: 'Provides read only access to all streams via the AWS Management Console.',
    document: allowAll(['kinesis:Get*', 'kinesis:List*', 'kinesis:Describe*']),
  },
  {
    name: 'AWSLambda_FullAccess',
    path: '/',
    description:
      'Grants full access to AWS Lambda service, AWS Lambda console features, and other related AWS services.',
    document: {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: [
            'cloudformation:DescribeStacks',
            'cloudwatch:ListMetrics',
            'cloudwatch:GetMetricData',
            'iam:GetPolicy',
            'iam:GetPolicyVersion',
            'iam:GetRole',
            'iam:GetRolePolicy',
            'iam:ListAttachedRolePolicies',
            'iam:ListRolePolicies',
            'iam:ListRoles',
            'kinesis:DescribeStream',
            'kinesis:ListStreams',
            'kinesis:DescribeStreamSummary',
            'lambda:*',
            'logs:DescribeLogGroups',
            'sns:ListSubscriptions',
            'sns:ListTopics',
            'sqs:ListQueues',
          ],
          Resource: '*',
        },
        {
          Effect: 'Allow',
          Action: 'iam:PassRole',
          Resource: '*',
          Condition: { StringEquals: { 'iam:PassedToService': 'lambda.amazonaws.com' } },
        },
        {
          Effect: 'Allow',
          Action: ['logs:DescribeLogStreams', 'logs:GetLogEvents', 'logs:FilterLogEvents'],
          Resource: 'arn:aws:logs:*:*:log-group:/aws/lambda/*',
        },
      ],
    },
  },
  {
    name: 'AmazonSQSFullAccess',
    path: '/',
    description: 'Provides full access to Amazon SQS via the AWS Management Console.',
    document: allowAll(['sqs:*']),
  },
  {
    name: 'AmazonSNSFullAccess',
    path: '/',
    description: 'Provides full access to Amazon SNS via the AWS Management Console.',
    document: allowAll(['sns:*']),
  },
  {
    name: 'AdministratorAccess',
    path: '/',
    description: 'Provides full access to AWS services and resources.',
    document: allowAll(['*']),
  },
];

export const managedPolicyArn = (p: ManagedPolicySpec): string => `arn:aws:iam::aws:policy${p.path}${p.name}`;
