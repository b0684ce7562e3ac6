import type { FunctionRegistry } from './function-registry.js';

/**
 * A kind of resource Lambda's tag operations (TagResource, UntagResource, ListTags) reach by ARN: functions
 * (here) and event source mappings (the Mappings component adds theirs when the components are wired), so that
 * Lambda never imports a component above it.
 */
export interface Taggable {
  /** Whether `arn` names this kind of resource (`:function:`, `:event-source-mapping:`). */
  owns(arn: string): boolean;
  /** The resource's tags; throws AWS's ResourceNotFoundException when there is no such resource. */
  tagsOf(arn: string): Record<string, string>;
  setTags(arn: string, tags: Record<string, string>): Promise<void>;
}

/** AWS's limit of tags on one Lambda resource. */
export const MAX_TAGS = 50;

/** Functions as tag operations reach them: by unqualified ARN (tags are function-wide; AWS refuses a qualifier). */
export function functionTags(functions: FunctionRegistry): Taggable {
  return {
    owns: (arn) => /:function:/.test(arn),
    tagsOf: (arn) => functions.requireLatest(arn).tags,
    setTags: (arn, tags) => functions.setTags(functions.requireLatest(arn).name, tags),
  };
}
