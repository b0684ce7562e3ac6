import { AwsError } from '../server/errors.js';
import { restRouter } from '../server/operations.js';
import type { RestRoutes } from '../server/protocols/rest-json.js';

import { createEventSourceMapping } from './actions/create-event-source-mapping.js';
import { deleteEventSourceMapping } from './actions/delete-event-source-mapping.js';
import { getMappingDrained } from './actions/get-mapping-drained.js';
import { getEventSourceMapping } from './actions/get-event-source-mapping.js';
import { replayFailedBatch } from './actions/replay-batch.js';
import { listEventSourceMappings } from './actions/list-event-source-mappings.js';
import { updateEventSourceMapping } from './actions/update-event-source-mapping.js';
import type { MappingsContext } from './mappings-context.js';

const PATH = '/2015-03-31/event-source-mappings';

/**
 * The event source mapping routes: the mappings' part of Lambda's REST API, served by the one Lambda service
 * (lambda/rest-service.ts) and logged and counted as `lambda-event-source-mappings`. Every path under PATH is
 * theirs: one no route has is ResourceNotFoundException, a wrong method UnknownOperationException.
 */
export function mappingRoutes(c: MappingsContext): RestRoutes {
  const service = 'lambda-event-source-mappings';
  const route = restRouter(service, c, c.app.errors);
  return {
    service,
    routes: [
      route('POST', `${PATH}/`, 'CreateEventSourceMapping', createEventSourceMapping),
      route('GET', `${PATH}/`, 'ListEventSourceMappings', listEventSourceMappings),
      route('GET', `${PATH}/{UUID}`, 'GetEventSourceMapping', getEventSourceMapping),
      route('PUT', `${PATH}/{UUID}`, 'UpdateEventSourceMapping', updateEventSourceMapping),
      route('DELETE', `${PATH}/{UUID}`, 'DeleteEventSourceMapping', deleteEventSourceMapping),
      // Tributary's own (replay.ts).
      route('POST', '/_tributary/mappings/{UUID}/replay', 'ReplayFailedBatch', replayFailedBatch),
      // Tributary's own (`tributary wait`).
      route('GET', '/_tributary/mappings/{UUID}/drained', 'GetMappingDrained', getMappingDrained),
    ],
    wrongMethod: () => new AwsError('UnknownOperationException', 'Unknown operation.', 404),
    subtree: {
      path: PATH,
      unknownPath: () =>
        new AwsError('ResourceNotFoundException', 'The resource you requested does not exist.', 404),
    },
  };
}
