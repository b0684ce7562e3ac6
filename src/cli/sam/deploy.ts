import { IAMClient } from '@aws-sdk/client-iam';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { basename } from 'node:path';
import type { StackAnswer, StackDoc, StackResource } from '../../app/stacks-service.js';
import { adminJson, sdkConfig } from '../common.js';
import { planStack, type DesiredResource } from './expand.js';
import { evaluate, IntrinsicError, type Scope } from './intrinsics.js';
import type { Clients, Deployed, ResourceHandler } from './resource-handler.js';
import {
  eventSourceMapping,
  lambdaAlias,
  lambdaFunction,
  lambdaVersion,
  layerVersion,
} from './resources-lambda.js';
import { iamRole } from './resources-iam.js';
import { kinesisStream, snsTopic, sqsQueue, streamConsumer } from './resources-messaging.js';
import { unsupported } from './schema.js';
import { loadTemplate, refuse, type Template } from './template.js';

const HANDLERS: Record<string, ResourceHandler> = {
  'AWS::IAM::Role': iamRole,
  'AWS::Kinesis::Stream': kinesisStream,
  'AWS::Kinesis::StreamConsumer': streamConsumer,
  'AWS::SQS::Queue': sqsQueue,
  'AWS::SNS::Topic': snsTopic,
  'AWS::Lambda::Function': lambdaFunction,
  'AWS::Lambda::EventSourceMapping': eventSourceMapping,
  'AWS::Lambda::Version': lambdaVersion,
  'AWS::Lambda::Alias': lambdaAlias,
  'AWS::Lambda::LayerVersion': layerVersion,
};

/** One line of the change summary. */
export interface Change {
  action: '+' | '~' | '-';
  logicalId: string;
  type: string;
  physicalId: string;
  /** For ~: the properties that changed. */
  changed?: string[];
  /** For -: left the stack but not deleted (a version AutoPublishAlias published, as SAM keeps them). */
  retained?: boolean;
}

export interface DeployResult {
  stackName: string;
  changes: Change[];
  outputs: Record<string, string>;
  /** Every deployed resource (for --watch: the sources of their code). */
  resources: DesiredResource[];
}

export interface DeployOptions {
  templateFile: string;
  endpoint: string;
  /** Default: the template's directory name. */
  stackName?: string;
  overrides?: Record<string, string>;
  /** Where the credentials it signs with are found (signed-fetch.ts); default the process's environment. */
  env?: NodeJS.ProcessEnv;
}

/** The stack name a template deploys as unless told: its directory's name (examples/kinesis-sam -> kinesis-sam). */
export function defaultStackName(t: Template): string {
  const name = basename(t.dir)
    .replace(/[^A-Za-z0-9-]/g, '-')
    .replace(/^[^A-Za-z]+/, '');
  return name === '' ? 'tributary' : name;
}

/**
 * Deploys a template to a running server through its public AWS APIs: creates what is new, updates in place what
 * changed (or replaces it when a property that cannot change did), deletes what left the template (in reverse
 * order), and keeps the stack's state on the server (app/stacks-service.ts) after every step, so a failed deploy
 * leaves a state that the next one continues from.
 */
export async function deployTemplate(o: DeployOptions): Promise<DeployResult> {
  const t = loadTemplate(o.templateFile);
  refuse(t, unsupported(t));
  const stackName = o.stackName ?? defaultStackName(t);
  const path = `/_tributary/stacks/${encodeURIComponent(stackName)}`;
  const env = o.env ?? process.env;
  const info = await adminJson<StackAnswer>(o.endpoint, path, {}, env);
  const plan = await planStack(t, {
    stackName,
    region: info.Region,
    accountId: info.AccountId,
    overrides: o.overrides ?? {},
  });
  const config = { ...sdkConfig(o.endpoint, env), region: info.Region };
  const clients: Clients = {
    kinesis: new KinesisClient(config),
    lambda: new LambdaClient(config),
    sqs: new SQSClient(config),
    sns: new SNSClient(config),
    iam: new IAMClient(config),
  };
  const prior = new Map((info.Stack?.Resources ?? []).map((r) => [r.LogicalId, r]));
  const done = new Map<string, StackResource>();
  const changes: Change[] = [];
  const deployed = (id: string): Deployed | undefined => {
    const r = done.get(id);
    return r && { physicalId: r.PhysicalId, attributes: r.Attributes ?? {} };
  };
  const scope: Scope = {
    parameter: (n) => plan.parameters[n],
    ref: (id) => deployed(id)?.physicalId,
    attribute: (id, a) => deployed(id)?.attributes[a],
    condition: (n) => plan.conditions[n] ?? false,
  };
  const resolve = (value: unknown, at: DesiredResource['source']): unknown => {
    try {
      return evaluate(value, scope, at);
    } catch (err) {
      if (err instanceof IntrinsicError) refuse(t, [{ path: err.path, message: err.message }]);
      throw err;
    }
  };
  // What the server keeps after each step: what this deploy has done, then what it has not reached yet.
  const save = async (outputs?: Record<string, string>): Promise<void> => {
    const resources = [...done.values(), ...[...prior.values()].filter((r) => !done.has(r.LogicalId))];
    const doc: Omit<StackDoc, 'StackName' | 'UpdatedAt'> = {
      Resources: resources,
      ...(outputs ? { Outputs: outputs } : {}),
    };
    await adminJson(
      o.endpoint,
      path,
      {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(doc),
      },
      env,
    );
  };
  try {
    for (const r of plan.resources) {
      const handler = HANDLERS[r.type]!;
      const props = resolve(r.properties, [...r.source, 'Properties']) as Record<string, unknown>;
      // A package is compared by its digest.
      if (r.code)
        props[r.type === 'AWS::Lambda::LayerVersion' ? 'Content' : 'Code'] = { Sha256: r.code.sha256 };
      const text = JSON.stringify(props);
      const call = { clients, stackName, logicalId: r.logicalId, props, ...(r.code ? { code: r.code } : {}) };
      const old = prior.get(r.logicalId);
      const record = (d: Deployed): void => {
        done.set(r.logicalId, {
          LogicalId: r.logicalId,
          Type: r.type,
          PhysicalId: d.physicalId,
          Attributes: d.attributes,
          Properties: text,
        });
      };
      if (old && old.Type === r.type) {
        const oldProps = JSON.parse(old.Properties) as Record<string, unknown>;
        const was: Deployed = { physicalId: old.PhysicalId, attributes: old.Attributes ?? {} };
        if (old.Properties === text) {
          record(was);
          continue;
        }
        const changed = [...new Set([...Object.keys(props), ...Object.keys(oldProps)])].filter(
          (k) => JSON.stringify(props[k]) !== JSON.stringify(oldProps[k]),
        );
        let d = await handler.update(call, { deployed: was, props: oldProps });
        if (d === 'replace' && handler.deleteBeforeReplace) {
          await handler.delete(call, was);
          prior.delete(r.logicalId);
          await save();
          d = await handler.create(call);
          record(d);
        } else if (d === 'replace') {
          d = await handler.create(call);
          record(d);
          await save();
          await handler.delete(call, was);
        } else record(d);
        changes.push({
          action: '~',
          logicalId: r.logicalId,
          type: r.type,
          physicalId: d.physicalId,
          changed,
        });
      } else {
        if (old) {
          // The logical id now names another type: the old resource goes first (its name may be reused).
          await HANDLERS[old.Type]?.delete(call, {
            physicalId: old.PhysicalId,
            attributes: old.Attributes ?? {},
          });
          prior.delete(r.logicalId);
          changes.push({ action: '-', logicalId: old.LogicalId, type: old.Type, physicalId: old.PhysicalId });
        }
        const d = await handler.create(call);
        record(d);
        changes.push({ action: '+', logicalId: r.logicalId, type: r.type, physicalId: d.physicalId });
      }
      await save();
    }
    // What left the template, dependents first (the reverse of the order it was deployed in).
    for (const old of [...prior.values()].reverse()) {
      if (done.has(old.LogicalId)) continue;
      // SAM keeps the versions AutoPublishAlias published (DeletionPolicy Retain): they leave the stack only.
      const retained = old.Type === 'AWS::Lambda::Version' && /Version[0-9a-f]{10}$/.test(old.LogicalId);
      if (!retained)
        await HANDLERS[old.Type]?.delete(
          { clients, stackName },
          { physicalId: old.PhysicalId, attributes: old.Attributes ?? {} },
        );
      prior.delete(old.LogicalId);
      changes.push({
        action: '-',
        logicalId: old.LogicalId,
        type: old.Type,
        physicalId: old.PhysicalId,
        ...(retained ? { retained } : {}),
      });
      await save();
    }
    const outputs: Record<string, string> = {};
    for (const out of plan.outputs) {
      const v = resolve(out.value, out.path);
      outputs[out.name] = Array.isArray(v) ? v.join(',') : String(v);
    }
    await save(outputs);
    return { stackName, changes, outputs, resources: plan.resources };
  } finally {
    for (const c of Object.values(clients)) (c as { destroy(): void }).destroy();
  }
}
