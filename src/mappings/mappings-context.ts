import type { ExecutionRoles } from '../iam/execution-roles.js';
import type { EventEmitter } from 'node:events';
import type { StreamRegistry } from '../kinesis/stream-registry.js';
import type { FunctionInvoker } from '../lambda/invoker.js';
import type { AppContext } from '../server/context.js';
import type { MappingEvents } from './engine/events.js';
import type { DestinationSender } from './engine/failure-sink.js';
import type { StreamView } from './engine/shard-reader.js';
import type { MappingMeta } from './model.js';

/** What each mapping action gets. */
export interface MappingsContext {
  app: AppContext;
  streams: StreamRegistry;
  invoker: FunctionInvoker;
  destinations: DestinationSender | undefined;
  /** What function execution roles allow (IAM). */
  roles: ExecutionRoles;
  events: EventEmitter<MappingEvents>;
  all(): MappingMeta[];
  /** Throws ResourceNotFoundException for an unknown UUID. */
  get(uuid: string): MappingMeta;
  save(m: MappingMeta): Promise<void>;
  /** Moves a mapping through a transitional state to its resting state after the transition delay. */
  transition(m: MappingMeta, via: MappingMeta['State']): Promise<void>;
  remove(uuid: string): Promise<void>;
  /** Waits until the mapping has processed what its stream held at the call (Mappings.drained). */
  drained(uuid: string, signal: AbortSignal): Promise<{ drained: boolean; recordsBehind: number }>;
  /** The current generation of a stream that exists (throws ResourceNotFoundException otherwise). */
  view(streamName: string): StreamView;
}
