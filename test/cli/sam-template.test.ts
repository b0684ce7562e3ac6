import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { planStack } from '../../src/cli/sam/expand.js';
import { evaluate, type Scope } from '../../src/cli/sam/intrinsics.js';
import { unsupported } from '../../src/cli/sam/schema.js';
import { loadTemplate, refuse, TemplateError } from '../../src/cli/sam/template.js';
import { tempDir } from '../harness/helpers.js';

const ctx = { stackName: 'st', region: 'eu-west-1', accountId: '123456789012', overrides: {} };

function templateFile(text: string, name = 'template.yaml'): string {
  const file = join(tempDir('tributary-tpl-'), name);
  writeFileSync(file, text);
  return file;
}

/** The lines of an inline AWS::Serverless::Function, up to its Properties' own. */
const inlineFunction = (id: string): string[] => [
  `  ${id}:`,
  '    Type: AWS::Serverless::Function',
  '    Properties:',
  '      InlineCode: x',
  '      Handler: index.handler',
  '      Runtime: nodejs20.x',
];

const scope: Scope = {
  parameter: (n) => ({ Stage: 'dev', 'AWS::Region': 'eu-west-1' })[n],
  ref: (id) => (id === 'S' ? 'stream-name' : undefined),
  attribute: (id, a) => (id === 'S' && a === 'Arn' ? 'arn:s' : undefined),
  condition: (n) => n === 'Yes',
};

/** The template loader, the intrinsics and the plan, without a server. */
describe('SAM templates: loading, intrinsics, plan', () => {
  it('reads the short forms as the long ones; YAML and JSON give the same template', () => {
    const yaml = loadTemplate(
      templateFile(
        'Resources:\n  S:\n    Type: AWS::Kinesis::Stream\n    Properties:\n      Name: !Sub "${AWS::StackName}-x"\n      Tags: [{ Key: a, Value: !GetAtt S.Arn }]\n',
      ),
    );
    const json = loadTemplate(
      templateFile(
        JSON.stringify({
          Resources: {
            S: {
              Type: 'AWS::Kinesis::Stream',
              Properties: {
                Name: { 'Fn::Sub': '${AWS::StackName}-x' },
                Tags: [{ Key: 'a', Value: { 'Fn::GetAtt': ['S', 'Arn'] } }],
              },
            },
          },
        }),
        'template.json',
      ),
    );
    assert.deepEqual(yaml.body, json.body);
    assert.equal(yaml.lineOf(['Resources', 'S', 'Properties', 'Tags']), 6);
  });

  it('evaluates the intrinsics; AWS::NoValue removes what it stands for; ${!x} is literal', () => {
    assert.deepEqual(
      evaluate(
        {
          a: { 'Fn::Sub': '${Stage}-${S}-${S.Arn}-${!Literal}-${AWS::Region}' },
          b: { 'Fn::If': ['No', 1, { Ref: 'AWS::NoValue' }] },
          c: [{ 'Fn::If': ['Yes', 'kept', 'x'] }, { 'Fn::If': ['No', 'x', { Ref: 'AWS::NoValue' }] }],
          d: { 'Fn::Join': [':', [{ 'Fn::Select': [1, { 'Fn::Split': ['/', 'a/b/c'] }] }, { Ref: 'S' }]] },
          e: { 'Fn::Sub': ['${x}!', { x: { Ref: 'Stage' } }] },
        },
        scope,
      ),
      { a: 'dev-stream-name-arn:s-${Literal}-eu-west-1', c: ['kept'], d: 'b:stream-name', e: 'dev!' },
    );
    assert.throws(() => evaluate({ 'Fn::Select': [5, ['a']] }, scope, ['Outputs', 'O']), /Fn::Select takes/);
    assert.throws(() => evaluate({ 'Fn::GetAtt': ['S', 'Nope'] }, scope), /no such resource attribute/);
  });

  it('refuses in one error, with lines: a missing parameter, a value outside AllowedValues, a reference to nothing, a loop', async () => {
    const t = loadTemplate(
      templateFile(
        [
          'Parameters:',
          '  Needed: { Type: String }',
          '  Stage: { Type: String, Default: qa, AllowedValues: [dev, prod] }',
          'Resources:',
          '  A:',
          '    Type: AWS::SQS::Queue',
          '    Properties: { QueueName: !Ref Missing }',
          '',
        ].join('\n'),
      ),
    );
    await assert.rejects(planStack(t, ctx), (err: unknown) => {
      assert.ok(err instanceof TemplateError);
      assert.match(
        err.message,
        /line 2: Parameters\.Needed: no value: give it a Default or --parameter-overrides Needed=VALUE/,
      );
      assert.match(err.message, /line 3: Parameters\.Stage: "qa" is not one of AllowedValues dev, prod/);
      return true;
    });
    const fixed = await planStack(t, { ...ctx, overrides: { Needed: 'x', Stage: 'dev' } }).catch(
      (e: Error) => e,
    );
    assert.match(String(fixed), /line 5: Resources\.A: refers to Missing, which is no parameter or resource/);
    const loop = loadTemplate(
      templateFile(
        'Resources:\n  A:\n    Type: AWS::SNS::Topic\n    DependsOn: B\n  B:\n    Type: AWS::SNS::Topic\n    Properties: { DisplayName: !GetAtt A.TopicName }\n',
      ),
    );
    await assert.rejects(planStack(loop, ctx), /a circular dependency/);
  });

  it('names every unsupported section, type, property, event type and intrinsic at once', () => {
    const t = loadTemplate(
      templateFile(
        [
          'Mappings: {}',
          'Resources:',
          '  F:',
          '    Type: AWS::Serverless::Function',
          '    Properties:',
          '      InlineCode: x',
          '      Events:',
          '        Api: { Type: Api, Properties: {} }',
          '        K: { Type: Kinesis, Properties: { Stream: arn, Batch: 1 } }',
          '      Description: !FindInMap [a, b, c]',
          '',
        ].join('\n'),
      ),
    );
    assert.throws(
      () => refuse(t, unsupported(t)),
      (err: Error) => {
        assert.match(err.message, /4 problems/);
        assert.match(err.message, /line 1: Mappings: the section Mappings is not supported/);
        assert.match(
          err.message,
          /line 8: Resources\.F\.Properties\.Events\.Api\.Type: the event type Api is not supported/,
        );
        assert.match(
          err.message,
          /line 9: Resources\.F\.Properties\.Events\.K\.Properties\.Batch: the Kinesis event property Batch/,
        );
        assert.match(
          err.message,
          /line 10: Resources\.F\.Properties\.Description: the intrinsic function Fn::FindInMap is not supported/,
        );
        return true;
      },
    );
  });

  it('AWS::Lambda::Function needs Role and Code, as CloudFormation has them', () => {
    const t = loadTemplate(
      templateFile('Resources:\n  P:\n    Type: AWS::Lambda::Function\n    Properties: { Handler: i.h }\n'),
    );
    assert.throws(
      () => refuse(t, unsupported(t)),
      /2 problems[^]*line 4: Resources\.P\.Properties: AWS::Lambda::Function needs Code\n[^]*needs Role/,
    );
  });

  it('Conditions leave resources out; Globals merge under a function (maps merged, its own values win)', async () => {
    const t = loadTemplate(
      templateFile(
        [
          'Transform: AWS::Serverless-2016-10-31',
          'Parameters: { Env: { Type: String, Default: dev } }',
          'Conditions:',
          '  Prod: !Equals [!Ref Env, prod]',
          'Globals:',
          '  Function: { Runtime: nodejs20.x, Timeout: 5, Environment: { Variables: { A: g, B: g } } }',
          'Resources:',
          '  F:',
          '    Type: AWS::Serverless::Function',
          '    Properties: { InlineCode: x, Handler: index.handler, Timeout: 9, Environment: { Variables: { B: own } } }',
          '  OnlyInProd:',
          '    Type: AWS::SQS::Queue',
          '    Condition: Prod',
          '',
        ].join('\n'),
      ),
    );
    const plan = await planStack(t, ctx);
    assert.deepEqual(
      plan.resources.map((r) => r.logicalId),
      ['FRole', 'F'],
    );
    const f = plan.resources[1]!;
    assert.equal(f.type, 'AWS::Lambda::Function');
    assert.deepEqual(f.properties, {
      Runtime: 'nodejs20.x',
      Timeout: 9,
      Environment: { Variables: { A: 'g', B: 'own' } },
      Handler: 'index.handler',
      Role: { 'Fn::GetAtt': ['FRole', 'Arn'] },
    });
    const prod = await planStack(t, { ...ctx, overrides: { Env: 'prod' } });
    assert.deepEqual(prod.resources.map((r) => r.logicalId).sort(), ['F', 'FRole', 'OnlyInProd']);
  });

  it("generates SAM's execution role: basic + Kinesis managed policies, then Policies (names, ARNs, documents, templates) and the destination's send permission", async () => {
    const t = loadTemplate(
      templateFile(
        [
          'Transform: AWS::Serverless-2016-10-31',
          'Resources:',
          ...inlineFunction('F'),
          '      Policies:',
          '        - AmazonSQSFullAccess',
          '        - arn:aws:iam::123456789012:policy/mine',
          '        - Statement: [{ Effect: Allow, Action: "sns:Publish", Resource: "*" }]',
          '        - SQSSendMessagePolicy: { QueueName: !GetAtt Q.QueueName }',
          '      Events:',
          '        S:',
          '          Type: Kinesis',
          '          Properties:',
          '            Stream: arn:aws:kinesis:eu-west-1:123456789012:stream/s',
          '            StartingPosition: LATEST',
          '            DestinationConfig: { OnFailure: { Type: SQS, Destination: !GetAtt Q.Arn } }',
          '  G:',
          '    Type: AWS::Serverless::Function',
          '    Properties: { InlineCode: x, Handler: index.handler, Runtime: nodejs20.x, Role: arn:aws:iam::123456789012:role/r, Policies: [AmazonSQSFullAccess] }',
          '  Q:',
          '    Type: AWS::SQS::Queue',
          '',
        ].join('\n'),
      ),
    );
    const plan = await planStack(t, ctx);
    const byId = new Map(plan.resources.map((r) => [r.logicalId, r]));
    // With Role, Policies are ignored (the SAM spec) and no role is generated.
    assert.equal(byId.get('GRole'), undefined);
    assert.equal(byId.get('G')!.properties['Role'], 'arn:aws:iam::123456789012:role/r');
    const role = byId.get('FRole')!;
    assert.equal(role.type, 'AWS::IAM::Role');
    assert.deepEqual(role.dependsOn, ['Q'], 'the role refers to the queue: deployed after it');
    assert.deepEqual(role.properties['ManagedPolicyArns'], [
      'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole',
      'arn:aws:iam::aws:policy/service-role/AWSLambdaKinesisExecutionRole',
      'arn:aws:iam::aws:policy/AmazonSQSFullAccess',
      'arn:aws:iam::123456789012:policy/mine',
    ]);
    const scope: Scope = {
      parameter: (n) => plan.parameters[n],
      ref: () => undefined,
      attribute: (id, a) => (id === 'Q' ? { Arn: 'arn:q', QueueName: 'st-Q' }[a] : undefined),
      condition: () => false,
    };
    assert.deepEqual(evaluate(role.properties['Policies'], scope), [
      {
        PolicyName: 'FRolePolicy2',
        PolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'sns:Publish', Resource: '*' }] },
      },
      {
        PolicyName: 'FRolePolicy3',
        PolicyDocument: {
          Statement: [
            {
              Effect: 'Allow',
              Action: ['sqs:SendMessage*'],
              Resource: 'arn:aws:sqs:eu-west-1:123456789012:st-Q',
            },
          ],
        },
      },
      {
        PolicyName: 'FSSQSPolicy',
        PolicyDocument: { Statement: [{ Action: 'sqs:SendMessage', Effect: 'Allow', Resource: 'arn:q' }] },
      },
    ]);
    assert.deepEqual(evaluate(role.properties['AssumeRolePolicyDocument'], scope), {
      Version: '2012-10-17',
      Statement: [
        { Action: ['sts:AssumeRole'], Effect: 'Allow', Principal: { Service: ['lambda.amazonaws.com'] } },
      ],
    });
    assert.deepEqual(byId.get('F')!.properties['Role'], { 'Fn::GetAtt': ['FRole', 'Arn'] });
  });

  it('refuses an unknown managed policy name, an unsupported policy template and a template without its parameter, with lines', async () => {
    const t = loadTemplate(
      templateFile(
        [
          'Resources:',
          ...inlineFunction('F'),
          '      Policies:',
          '        - NoSuchPolicy',
          '        - DynamoDBCrudPolicy: { TableName: t }',
          '        - SQSPollerPolicy: {}',
          '',
        ].join('\n'),
      ),
    );
    await assert.rejects(planStack(t, ctx), (err: unknown) => {
      assert.ok(err instanceof TemplateError);
      assert.match(err.message, /3 problems/);
      assert.match(
        err.message,
        /line 9: Resources\.F\.Properties\.Policies\.0: the managed policy NoSuchPolicy is not one Tributary has/,
      );
      assert.match(
        err.message,
        /line 10: .*Policies\.1: the policy template DynamoDBCrudPolicy is not supported by Tributary/,
      );
      assert.match(
        err.message,
        /line 11: .*Policies\.2: the policy template SQSPollerPolicy needs QueueName: \.\.\./,
      );
      return true;
    });
  });
});
