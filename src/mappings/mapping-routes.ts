import { AwsError } from '../server/errors.js';
import { pathParam, type RestReply, type RestRoutes } from '../server/protocols/rest-json.js';
import { createEventSourceMapping } from './actions/create-event-source-mapping.js';
import { deleteEventSourceMapping } from './actions/delete-event-source-mapping.js';
import { getEventSourceMapping } from './actions/get-event-source-mapping.js';
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
  const reply = (out: { status: number; body: unknown }): RestReply => ({
    status: out.status,
    json: out.body,
  });
  return {
    service: 'lambda-event-source-mappings',
    routes: [
      {
        method: 'POST',
        path: `${PATH}/`,
        operation: 'CreateEventSourceMapping',
        handler: async (r) => reply(await createEventSourceMapping(c, r.input())),
      },
      {
        method: 'GET',
        path: `${PATH}/`,
        operation: 'ListEventSourceMappings',
        handler: async (r) => reply(await listEventSourceMappings(c, r.api.query)),
      },
      {
        method: 'GET',
        path: `${PATH}/{UUID}`,
        operation: 'GetEventSourceMapping',
        handler: async (r) => reply(await getEventSourceMapping(c, pathParam(r, 'UUID'))),
      },
      {
        method: 'PUT',
        path: `${PATH}/{UUID}`,
        operation: 'UpdateEventSourceMapping',
        handler: async (r) => reply(await updateEventSourceMapping(c, pathParam(r, 'UUID'), r.input())),
      },
      {
        method: 'DELETE',
        path: `${PATH}/{UUID}`,
        operation: 'DeleteEventSourceMapping',
        handler: async (r) => reply(await deleteEventSourceMapping(c, pathParam(r, 'UUID'))),
      },
    ],
    wrongMethod: () => new AwsError('UnknownOperationException', 'Unknown operation.', 404),
    subtree: {
      path: PATH,
      unknownPath: () =>
        new AwsError('ResourceNotFoundException', 'The resource you requested does not exist.', 404),
    },
  };
}
