import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  arnMatches,
  evaluate,
  trustAllows,
  type AuthzRequest,
  type Decision,
  type PolicyDocument,
  type Statement,
} from '../../src/iam/policy-engine.js';

/**
 * Cases from AWS's documented evaluation logic (IAM User Guide: "Policy evaluation logic", "Condition operators",
 * "Conditions with multiple context keys or values"), each with the decision AWS documents.
 */
const STREAM = 'arn:aws:kinesis:us-east-1:111122223333:stream/orders';
const OTHER = 'arn:aws:kinesis:us-east-1:111122223333:stream/audit';
const allow = (s: Partial<Statement>): PolicyDocument => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', ...s }],
});
const deny = (s: Partial<Statement>): PolicyDocument => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Deny', ...s }],
});
const req = (action: string, resource = STREAM, context: AuthzRequest['context'] = {}): AuthzRequest => ({
  action,
  resource,
  context,
});

const CASES: Array<[string, PolicyDocument[], AuthzRequest, Decision]> = [
  ['no policy: implicit deny', [], req('kinesis:GetRecords'), 'ImplicitDeny'],
  [
    'exact action and resource',
    [allow({ Action: 'kinesis:GetRecords', Resource: STREAM })],
    req('kinesis:GetRecords'),
    'Allow',
  ],
  [
    'actions match case-insensitively',
    [allow({ Action: 'Kinesis:getrecords', Resource: '*' })],
    req('kinesis:GetRecords'),
    'Allow',
  ],
  [
    'action wildcard',
    [allow({ Action: 'kinesis:Get*', Resource: '*' })],
    req('kinesis:GetShardIterator'),
    'Allow',
  ],
  [
    'action wildcard does not reach another action',
    [allow({ Action: 'kinesis:Get*', Resource: '*' })],
    req('kinesis:PutRecord'),
    'ImplicitDeny',
  ],
  [
    '? matches one character',
    [allow({ Action: 'kinesis:?etRecords', Resource: '*' })],
    req('kinesis:GetRecords'),
    'Allow',
  ],
  [
    'resource of another stream',
    [allow({ Action: 'kinesis:*', Resource: STREAM })],
    req('kinesis:GetRecords', OTHER),
    'ImplicitDeny',
  ],
  [
    'resource wildcard in the name',
    [allow({ Action: 'kinesis:*', Resource: 'arn:aws:kinesis:*:*:stream/ord*' })],
    req('kinesis:GetRecords'),
    'Allow',
  ],
  [
    'ARNs are case-sensitive',
    [allow({ Action: 'kinesis:*', Resource: 'arn:aws:kinesis:us-east-1:111122223333:stream/Orders' })],
    req('kinesis:GetRecords'),
    'ImplicitDeny',
  ],
  [
    'explicit deny wins over allow',
    [allow({ Action: '*', Resource: '*' }), deny({ Action: 'kinesis:DeleteStream', Resource: '*' })],
    req('kinesis:DeleteStream'),
    'ExplicitDeny',
  ],
  [
    'deny of another action leaves the allow',
    [allow({ Action: '*', Resource: '*' }), deny({ Action: 'kinesis:DeleteStream', Resource: '*' })],
    req('kinesis:PutRecord'),
    'Allow',
  ],
  [
    'NotAction allows everything else',
    [allow({ NotAction: 'kinesis:Delete*', Resource: '*' })],
    req('kinesis:PutRecord'),
    'Allow',
  ],
  [
    'NotAction excludes what it names',
    [allow({ NotAction: 'kinesis:Delete*', Resource: '*' })],
    req('kinesis:DeleteStream'),
    'ImplicitDeny',
  ],
  ['NotResource', [allow({ Action: 'kinesis:*', NotResource: OTHER })], req('kinesis:GetRecords'), 'Allow'],
  [
    'NotResource excludes what it names',
    [allow({ Action: 'kinesis:*', NotResource: OTHER })],
    req('kinesis:GetRecords', OTHER),
    'ImplicitDeny',
  ],
  [
    'StringEquals holds',
    [
      allow({
        Action: '*',
        Resource: '*',
        Condition: { StringEquals: { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:role/r' } },
      }),
    ],
    req('kinesis:GetRecords', STREAM, { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:role/r' }),
    'Allow',
  ],
  [
    'condition keys are case-insensitive',
    [allow({ Action: '*', Resource: '*', Condition: { StringEquals: { 'AWS:principalarn': 'x' } } })],
    req('kinesis:GetRecords', STREAM, { 'aws:PrincipalArn': 'x' }),
    'Allow',
  ],
  [
    'several values of one key: OR',
    [allow({ Action: '*', Resource: '*', Condition: { StringEquals: { 'aws:SourceArn': ['a', 'b'] } } })],
    req('s:A', STREAM, { 'aws:SourceArn': 'b' }),
    'Allow',
  ],
  [
    'several keys of one operator: AND',
    [allow({ Action: '*', Resource: '*', Condition: { StringEquals: { 'k:a': '1', 'k:b': '2' } } })],
    req('s:A', STREAM, { 'k:a': '1', 'k:b': '3' }),
    'ImplicitDeny',
  ],
  [
    'negated operator with several values: NOR',
    [allow({ Action: '*', Resource: '*', Condition: { StringNotEquals: { 'k:a': ['x', 'y'] } } })],
    req('s:A', STREAM, { 'k:a': 'y' }),
    'ImplicitDeny',
  ],
  [
    'negated operator, none of the values',
    [allow({ Action: '*', Resource: '*', Condition: { StringNotEquals: { 'k:a': ['x', 'y'] } } })],
    req('s:A', STREAM, { 'k:a': 'z' }),
    'Allow',
  ],
  [
    'a missing key does not match',
    [allow({ Action: '*', Resource: '*', Condition: { StringEquals: { 'k:a': 'x' } } })],
    req('s:A'),
    'ImplicitDeny',
  ],
  [
    'a missing key under a negated operator is true',
    [deny({ Action: '*', Resource: '*', Condition: { StringNotEquals: { 'aws:PrincipalOrgID': 'o-1' } } })],
    req('s:A'),
    'ExplicitDeny',
  ],
  [
    'IfExists holds when the key is missing',
    [allow({ Action: '*', Resource: '*', Condition: { StringEqualsIfExists: { 'k:a': 'x' } } })],
    req('s:A'),
    'Allow',
  ],
  [
    'IfExists checks a present key',
    [allow({ Action: '*', Resource: '*', Condition: { StringEqualsIfExists: { 'k:a': 'x' } } })],
    req('s:A', STREAM, { 'k:a': 'y' }),
    'ImplicitDeny',
  ],
  [
    'Null true: key absent',
    [allow({ Action: '*', Resource: '*', Condition: { Null: { 'aws:TokenIssueTime': 'true' } } })],
    req('s:A'),
    'Allow',
  ],
  [
    'Null true: key present',
    [allow({ Action: '*', Resource: '*', Condition: { Null: { 'aws:TokenIssueTime': 'true' } } })],
    req('s:A', STREAM, { 'aws:TokenIssueTime': '2026-01-01T00:00:00Z' }),
    'ImplicitDeny',
  ],
  [
    'StringLike',
    [allow({ Action: '*', Resource: '*', Condition: { StringLike: { 'k:a': 'arn:*:orders' } } })],
    req('s:A', STREAM, { 'k:a': 'arn:x:y:orders' }),
    'Allow',
  ],
  [
    'ArnLike matches field by field',
    [
      allow({
        Action: '*',
        Resource: '*',
        Condition: { ArnLike: { 'aws:SourceArn': 'arn:aws:kinesis:*:111122223333:stream/*' } },
      }),
    ],
    req('s:A', STREAM, { 'aws:SourceArn': STREAM }),
    'Allow',
  ],
  [
    'ArnLike: another account',
    [
      allow({
        Action: '*',
        Resource: '*',
        Condition: { ArnLike: { 'aws:SourceArn': 'arn:aws:kinesis:*:111122223333:stream/*' } },
      }),
    ],
    req('s:A', STREAM, { 'aws:SourceArn': 'arn:aws:kinesis:us-east-1:999999999999:stream/x' }),
    'ImplicitDeny',
  ],
  [
    'NumericLessThan',
    [allow({ Action: '*', Resource: '*', Condition: { NumericLessThan: { 'k:n': '10' } } })],
    req('s:A', STREAM, { 'k:n': '9' }),
    'Allow',
  ],
  [
    'NumericLessThan fails',
    [allow({ Action: '*', Resource: '*', Condition: { NumericLessThan: { 'k:n': '10' } } })],
    req('s:A', STREAM, { 'k:n': '10' }),
    'ImplicitDeny',
  ],
  [
    'DateLessThan on aws:CurrentTime',
    [
      allow({
        Action: '*',
        Resource: '*',
        Condition: { DateLessThan: { 'aws:CurrentTime': '2030-01-01T00:00:00Z' } },
      }),
    ],
    req('s:A', STREAM, { 'aws:CurrentTime': '2026-12-07T00:00:00Z' }),
    'Allow',
  ],
  [
    'DateGreaterThan fails',
    [
      allow({
        Action: '*',
        Resource: '*',
        Condition: { DateGreaterThan: { 'aws:CurrentTime': '2030-01-01T00:00:00Z' } },
      }),
    ],
    req('s:A', STREAM, { 'aws:CurrentTime': '2026-12-07T00:00:00Z' }),
    'ImplicitDeny',
  ],
  [
    'Bool',
    [allow({ Action: '*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })],
    req('s:A', STREAM, { 'aws:SecureTransport': 'false' }),
    'Allow',
  ],
  [
    'ForAnyValue: one of the request values',
    [
      allow({
        Action: '*',
        Resource: '*',
        Condition: { 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['env', 'team'] } },
      }),
    ],
    req('s:A', STREAM, { 'aws:TagKeys': ['owner', 'team'] }),
    'Allow',
  ],
  [
    'ForAnyValue: missing key is false',
    [
      allow({
        Action: '*',
        Resource: '*',
        Condition: { 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['env'] } },
      }),
    ],
    req('s:A'),
    'ImplicitDeny',
  ],
  [
    'ForAllValues: every request value listed',
    [
      allow({
        Action: '*',
        Resource: '*',
        Condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['env', 'team'] } },
      }),
    ],
    req('s:A', STREAM, { 'aws:TagKeys': ['env', 'owner'] }),
    'ImplicitDeny',
  ],
  [
    'ForAllValues: missing key holds',
    [
      allow({
        Action: '*',
        Resource: '*',
        Condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['env'] } },
      }),
    ],
    req('s:A'),
    'Allow',
  ],
  [
    'a statement with neither Action nor NotAction applies to nothing',
    [allow({ Resource: '*' })],
    req('s:A'),
    'ImplicitDeny',
  ],
];

describe('IAM policy evaluation (AWS documented logic)', () => {
  for (const [name, policies, request, expected] of CASES)
    it(name, () => assert.equal(evaluate(policies, request), expected));

  it('ARN matching keeps * inside a field for the first five fields', () => {
    assert.equal(arnMatches('arn:aws:kinesis:*:111122223333:stream/*', STREAM), true);
    assert.equal(arnMatches('arn:aws:*:111122223333:stream/*', STREAM), false);
    assert.equal(
      arnMatches('arn:aws:lambda:us-east-1:1:function:f:*', 'arn:aws:lambda:us-east-1:1:function:f:prod'),
      true,
    );
  });

  it('trust policies: who may assume the role', () => {
    const trust: PolicyDocument = {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
      ],
    };
    assert.equal(trustAllows(trust, { Service: 'lambda.amazonaws.com' }), true);
    assert.equal(trustAllows(trust, { Service: 'ec2.amazonaws.com' }), false);
    const account: PolicyDocument = {
      Statement: {
        Effect: 'Allow',
        Principal: { AWS: 'arn:aws:iam::111122223333:root' },
        Action: 'sts:AssumeRole',
      },
    };
    assert.equal(trustAllows(account, { AWS: 'arn:aws:iam::111122223333:user/alice' }), true);
    assert.equal(trustAllows(account, { AWS: 'arn:aws:iam::999999999999:user/mallory' }), false);
  });
});
