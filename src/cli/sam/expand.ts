import { createHash } from 'node:crypto';
import { bundleOf, inlineBundle, type CodeBundle } from './code.js';
import { evaluate, IntrinsicError, references, type Scope } from './intrinsics.js';
import { destinationPolicy, executionRole, functionPolicies, type InlinePolicy } from './policies.js';
import { SERVERLESS_FUNCTION } from './schema.js';
import { refuse, type Template, type TemplateIssue, type TemplatePath } from './template.js';

/** A CloudFormation resource to deploy, its properties still holding intrinsics (resolved in deployment order). */
export interface DesiredResource {
  logicalId: string;
  type: string;
  properties: Record<string, unknown>;
  /** Logical ids it refers to or DependsOn: deployed before it. */
  dependsOn: string[];
  /** Where it is in the template (errors name its line). */
  source: TemplatePath;
  /** A function's package (Code is replaced by its digest in the compared properties). */
  code?: CodeBundle;
  /** Kept when it leaves the template, as SAM keeps the versions AutoPublishAlias published. */
  retain?: boolean;
}

/** The template as what to deploy: resources in dependency order, parameters and conditions evaluated. */
export interface StackPlan {
  resources: DesiredResource[];
  outputs: Array<{ name: string; value: unknown; path: TemplatePath }>;
  parameters: Record<string, unknown>;
  conditions: Record<string, boolean>;
}

export interface PlanContext {
  stackName: string;
  region: string;
  accountId: string;
  /** --parameter-overrides. */
  overrides: Record<string, string>;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Parameters: an override, else the Default; typed as CloudFormation reads them. */
function parameters(t: Template, c: PlanContext, issues: TemplateIssue[]): Record<string, unknown> {
  const out: Record<string, unknown> = {
    'AWS::Region': c.region,
    'AWS::AccountId': c.accountId,
    'AWS::StackName': c.stackName,
    'AWS::StackId': `arn:aws:cloudformation:${c.region}:${c.accountId}:stack/${c.stackName}/tributary`,
    'AWS::Partition': 'aws',
    'AWS::URLSuffix': 'amazonaws.com',
  };
  const declared = isObject(t.body['Parameters']) ? t.body['Parameters'] : {};
  for (const name of Object.keys(c.overrides))
    if (!(name in declared))
      issues.push({
        path: ['Parameters'],
        message: `--parameter-overrides ${name}: the template has no such parameter`,
      });
  for (const [name, p] of Object.entries(declared)) {
    const at = ['Parameters', name];
    if (!isObject(p)) continue;
    const raw = c.overrides[name] ?? (p['Default'] === undefined ? undefined : String(p['Default']));
    if (raw === undefined) {
      issues.push({
        path: at,
        message: `no value: give it a Default or --parameter-overrides ${name}=VALUE`,
      });
      continue;
    }
    const allowed = Array.isArray(p['AllowedValues']) ? p['AllowedValues'].map(String) : undefined;
    if (allowed && !allowed.includes(raw))
      issues.push({
        path: at,
        message: `${JSON.stringify(raw)} is not one of AllowedValues ${allowed.join(', ')}`,
      });
    const type = String(p['Type'] ?? 'String');
    if (type === 'Number') {
      if (!Number.isFinite(Number(raw)))
        issues.push({ path: at, message: `${JSON.stringify(raw)} is not a Number` });
      out[name] = Number(raw);
    } else if (type === 'CommaDelimitedList' || type.startsWith('List<'))
      out[name] = raw.split(',').map((s) => s.trim());
    else out[name] = raw;
  }
  return out;
}

/** Conditions, from parameters alone (CloudFormation's rule: a condition cannot refer to a resource). */
function conditions(
  t: Template,
  params: Record<string, unknown>,
  issues: TemplateIssue[],
): Record<string, boolean> {
  const declared = isObject(t.body['Conditions']) ? t.body['Conditions'] : {};
  const out: Record<string, boolean> = {};
  const evaluating = new Set<string>();
  const scope: Scope = {
    parameter: (n) => params[n],
    ref: () => undefined,
    attribute: () => undefined,
    condition: (n) => cond(n),
  };
  const cond = (name: string): boolean => {
    if (name in out) return out[name]!;
    if (!(name in declared) || evaluating.has(name))
      throw new IntrinsicError(['Conditions', name], `no condition ${name} (or a loop)`);
    evaluating.add(name);
    const v = evaluate(declared[name], scope, ['Conditions', name]);
    if (typeof v !== 'boolean')
      throw new IntrinsicError(
        ['Conditions', name],
        'a condition is Fn::Equals, Fn::Not, Fn::And, Fn::Or or Condition',
      );
    out[name] = v;
    return v;
  };
  for (const name of Object.keys(declared)) {
    try {
      cond(name);
    } catch (err) {
      if (!(err instanceof IntrinsicError)) throw err;
      issues.push({ path: err.path, message: err.message });
    }
  }
  return out;
}

/** SAM's Globals.Function under a function's properties: maps merged, lists appended, the function's values win. */
function withGlobals(globals: unknown, props: Record<string, unknown>): Record<string, unknown> {
  if (!isObject(globals)) return props;
  const merge = (g: unknown, own: unknown): unknown => {
    if (own === undefined) return g;
    if (isObject(g) && isObject(own)) {
      const out: Record<string, unknown> = { ...g };
      for (const [k, v] of Object.entries(own)) out[k] = merge(g[k], v);
      return out;
    }
    if (Array.isArray(g) && Array.isArray(own)) return [...g, ...own];
    return own;
  };
  return merge(globals, props) as Record<string, unknown>;
}

/** A name CloudFormation would generate (without its random suffix: a redeploy finds the same resource). */
export function physicalName(stack: string, logicalId: string, max: number): string {
  const name = `${stack}-${logicalId}`;
  if (name.length <= max) return name;
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 8);
  return `${name.slice(0, max - 9)}-${hash}`;
}

/**
 * The SAM transform and the template's logic: AWS::Serverless::Function becomes AWS::Lambda::Function, one
 * AWS::Lambda::EventSourceMapping per Kinesis event (logical id function + event name, as SAM names them) and, with
 * AutoPublishAlias, an AWS::Lambda::Version (a new logical id when the code or configuration changes) and an
 * AWS::Lambda::Alias the mappings then invoke. Resources whose Condition is false are left out. Throws one
 * TemplateError for everything wrong.
 */
export async function planStack(t: Template, c: PlanContext): Promise<StackPlan> {
  const issues: TemplateIssue[] = [];
  const params = parameters(t, c, issues);
  const conds = conditions(t, params, issues);
  refuse(t, issues);
  const resources: DesiredResource[] = [];
  const raw = t.body['Resources'] as Record<string, Record<string, unknown>>;
  const globals = isObject(t.body['Globals']) ? t.body['Globals']['Function'] : undefined;
  for (const [id, r] of Object.entries(raw)) {
    const at = ['Resources', id];
    const condition = r['Condition'];
    if (condition !== undefined) {
      if (typeof condition !== 'string' || !(condition in conds)) {
        issues.push({ path: [...at, 'Condition'], message: `no condition ${String(condition)}` });
        continue;
      }
      if (!conds[condition]) continue;
    }
    const dependsOn = ([] as unknown[]).concat(r['DependsOn'] ?? []).map(String);
    const props = isObject(r['Properties']) ? r['Properties'] : {};
    if (r['Type'] !== SERVERLESS_FUNCTION) {
      const d: DesiredResource = {
        logicalId: id,
        type: String(r['Type']),
        properties: props,
        dependsOn,
        source: at,
      };
      if (d.type === 'AWS::Lambda::Function') {
        const code = props['Code'];
        if (typeof code === 'string') d.code = await bundleOf(code, t.dir);
        else if (isObject(code) && typeof code['ZipFile'] === 'string')
          d.code = await inlineBundle(code['ZipFile']);
        else
          issues.push({
            path: [...at, 'Properties', 'Code'],
            message: 'Code is a local path or {ZipFile: inline code} (S3 is not supported)',
          });
      }
      if (d.type === 'AWS::Lambda::LayerVersion') {
        if (typeof props['Content'] === 'string') d.code = await bundleOf(props['Content'], t.dir);
        else
          issues.push({
            path: [...at, 'Properties', 'Content'],
            message: 'Content is a local directory or .zip (S3 is not supported)',
          });
      }
      resources.push(d);
      continue;
    }
    resources.push(...(await expandFunction(t, c, id, withGlobals(globals, props), dependsOn, issues)));
  }
  refuse(t, issues);
  const outputs = Object.entries(isObject(t.body['Outputs']) ? t.body['Outputs'] : {}).flatMap(
    ([name, o]) => {
      if (!isObject(o)) return [];
      if (typeof o['Condition'] === 'string' && conds[o['Condition']] === false) return [];
      return [{ name, value: o['Value'], path: ['Outputs', name, 'Value'] as TemplatePath }];
    },
  );
  return { resources: ordered(t, resources, params), outputs, parameters: params, conditions: conds };
}

async function expandFunction(
  t: Template,
  c: PlanContext,
  id: string,
  props: Record<string, unknown>,
  dependsOn: string[],
  issues: TemplateIssue[],
): Promise<DesiredResource[]> {
  const at = ['Resources', id];
  const { CodeUri, InlineCode, Policies, AutoPublishAlias, Events, ...fn } = props;
  let code: CodeBundle | undefined;
  if (typeof InlineCode === 'string') code = await inlineBundle(InlineCode);
  else if (typeof CodeUri === 'string') code = await bundleOf(CodeUri, t.dir);
  else
    issues.push({
      path: [...at, 'Properties'],
      message: 'a function needs CodeUri (a local directory or .zip) or InlineCode',
    });
  // Without Role, SAM generates one from Policies and the events (policies.ts); with Role, Policies are ignored.
  const roleId = `${id}Role`;
  const generatesRole = fn['Role'] === undefined;
  if (generatesRole) {
    fn['Role'] = { 'Fn::GetAtt': [roleId, 'Arn'] };
    if (isObject(t.body['Resources']) && roleId in t.body['Resources'])
      issues.push({
        path: ['Resources', roleId],
        message: `SAM names the role it generates for ${id} ${roleId}: give ${id} a Role, or this resource another logical id`,
      });
  }
  const rolePolicies = generatesRole
    ? functionPolicies(id, Policies, [...at, 'Properties', 'Policies'], issues)
    : { managed: [], inline: [] as InlinePolicy[] };
  const out: DesiredResource[] = [
    {
      logicalId: id,
      type: 'AWS::Lambda::Function',
      properties: fn,
      dependsOn,
      source: at,
      ...(code ? { code } : {}),
    },
  ];
  let target: unknown = { Ref: id };
  if (AutoPublishAlias !== undefined) {
    // A new version when the code or the configuration changes: its logical id carries their digest, as SAM's does.
    const hash = createHash('sha256')
      .update(code?.sha256 ?? '')
      .update(JSON.stringify(fn))
      .digest('hex')
      .slice(0, 10);
    const version = `${id}Version${hash}`;
    const alias = `${id}Alias${String(AutoPublishAlias).replace(/[^A-Za-z0-9]/g, '')}`;
    out.push(
      {
        logicalId: version,
        type: 'AWS::Lambda::Version',
        properties: { FunctionName: { Ref: id } },
        dependsOn: [],
        source: [...at, 'Properties', 'AutoPublishAlias'],
        retain: true,
      },
      {
        logicalId: alias,
        type: 'AWS::Lambda::Alias',
        properties: {
          Name: AutoPublishAlias,
          FunctionName: { Ref: id },
          FunctionVersion: { 'Fn::GetAtt': [version, 'Version'] },
        },
        dependsOn: [],
        source: [...at, 'Properties', 'AutoPublishAlias'],
      },
    );
    target = { Ref: alias };
  }
  let kinesisEvents = false;
  for (const [name, e] of Object.entries(isObject(Events) ? Events : {})) {
    if (!isObject(e) || !isObject(e['Properties'])) continue;
    kinesisEvents = true;
    const { Stream, DestinationConfig, ...mapping } = e['Properties'];
    const destination = isObject(DestinationConfig) ? samDestination(DestinationConfig) : undefined;
    const send = isObject(DestinationConfig)
      ? destinationPolicy(`${id}${name}`, DestinationConfig['OnFailure'])
      : undefined;
    if (send) rolePolicies.inline.push(send);
    out.push({
      logicalId: `${id}${name}`,
      type: 'AWS::Lambda::EventSourceMapping',
      properties: {
        FunctionName: target,
        EventSourceArn: Stream,
        ...mapping,
        ...(destination ? { DestinationConfig: destination } : {}),
      },
      dependsOn: [],
      source: [...at, 'Properties', 'Events', name],
    });
  }
  if (generatesRole)
    out.unshift({
      logicalId: roleId,
      type: 'AWS::IAM::Role',
      properties: executionRole(rolePolicies.managed, rolePolicies.inline, kinesisEvents),
      dependsOn: [],
      source: [...at, 'Properties', ...(Policies === undefined ? [] : ['Policies'])],
    });
  return out;
}

/** SAM's DestinationConfig.OnFailure has a Type (SQS/SNS) that the Lambda API does not take. */
function samDestination(d: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(d)) {
    if (isObject(v)) {
      const { Type: _type, ...rest } = v;
      out[k] = rest;
    } else out[k] = v;
  }
  return out;
}

/** Dependency order (references and DependsOn); a loop or a reference to nothing is refused with its line. */
function ordered(
  t: Template,
  resources: DesiredResource[],
  params: Record<string, unknown>,
): DesiredResource[] {
  const byId = new Map(resources.map((r) => [r.logicalId, r]));
  const issues: TemplateIssue[] = [];
  for (const r of resources) {
    const refs = [...references(r.properties)].filter((x) => !(x in params) && x !== 'AWS::NoValue');
    for (const x of [...refs, ...r.dependsOn])
      if (!byId.has(x))
        issues.push({
          path: r.source,
          message: `refers to ${x}, which is no parameter or resource of the template (or its Condition is false)`,
        });
    r.dependsOn = [...new Set([...r.dependsOn, ...refs])].filter((x) => byId.has(x));
  }
  refuse(t, issues);
  const out: DesiredResource[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (r: DesiredResource): void => {
    const s = state.get(r.logicalId);
    if (s === 'done') return;
    if (s === 'visiting')
      refuse(t, [{ path: r.source, message: `a circular dependency through ${r.logicalId}` }]);
    state.set(r.logicalId, 'visiting');
    for (const d of r.dependsOn) visit(byId.get(d)!);
    state.set(r.logicalId, 'done');
    out.push(r);
  };
  for (const r of resources) visit(r);
  return out;
}
