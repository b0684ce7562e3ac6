import type { Service } from '../server/http-types.js';
import { AwsError } from '../server/errors.js';
import { restRouter, type AnyOperation } from '../server/operations.js';
import { restJsonService, type RestRoute, type RestRoutes } from '../server/protocols/rest-json.js';

import { addPermission } from './actions/add-permission.js';
import { createFunction } from './actions/create-function.js';
import { getPolicy } from './actions/get-policy.js';
import { removePermission } from './actions/remove-permission.js';
import { deleteFunctionConcurrency } from './actions/delete-function-concurrency.js';
import { deleteFunction } from './actions/delete-function.js';
import { getFunctionCode } from './actions/get-function-code.js';
import { getFunctionConcurrency } from './actions/get-function-concurrency.js';
import { getFunctionConfiguration } from './actions/get-function-configuration.js';
import { getFunctionLogs } from './actions/get-function-logs.js';
import { getFunction } from './actions/get-function.js';
import { invokeAsync } from './actions/invoke-async.js';
import { invoke } from './actions/invoke.js';
import { listFunctions } from './actions/list-functions.js';
import { putFunctionConcurrency } from './actions/put-function-concurrency.js';
import { updateFunctionCode } from './actions/update-function-code.js';
import { updateFunctionConfiguration } from './actions/update-function-configuration.js';
import { createAlias } from './actions/create-alias.js';
import { deleteAlias } from './actions/delete-alias.js';
import { getAlias } from './actions/get-alias.js';
import { listAliases } from './actions/list-aliases.js';
import { listVersionsByFunction } from './actions/list-versions-by-function.js';
import { publishVersion } from './actions/publish-version.js';
import { updateAlias } from './actions/update-alias.js';
import { deleteFunctionEventInvokeConfig } from './actions/delete-function-event-invoke-config.js';
import { getAccountSettings } from './actions/get-account-settings.js';
import { getFunctionEventInvokeConfig } from './actions/get-function-event-invoke-config.js';
import { listFunctionEventInvokeConfigs } from './actions/list-function-event-invoke-configs.js';
import { listTags } from './actions/list-tags.js';
import {
  putFunctionEventInvokeConfig,
  updateFunctionEventInvokeConfig,
} from './actions/put-function-event-invoke-config.js';
import { tagResource } from './actions/tag-resource.js';
import { untagResource } from './actions/untag-resource.js';
import { deleteLayerVersion } from './actions/delete-layer-version.js';
import { getLayerVersionContent } from './actions/get-layer-version-content.js';
import { getLayerVersion, getLayerVersionByArn } from './actions/get-layer-version.js';
import { listLayerVersions } from './actions/list-layer-versions.js';
import { listLayers } from './actions/list-layers.js';
import { publishLayerVersion } from './actions/publish-layer-version.js';
import { InvalidRequestContent } from './lambda-errors.js';
import type { LambdaContext } from './lambda-context.js';

/**
 * Lambda's REST API on the shared port: one service, one route table. Each component serving part of the API
 * contributes its `RestRoutes` (functions here; event source mappings in src/mappings/mapping-routes.ts; versions,
 * aliases and layers next), and the wiring assembles them, so no component imports another's routes.
 */
export function lambdaRestService(parts: RestRoutes[]): Service {
  return restJsonService({
    name: 'lambda',
    parts,
    invalidBody: (why) => InvalidRequestContent(`Could not parse request body into json: ${why}`),
  });
}

/** The function routes (Lambda's API names, and Tributary's own `/_tributary/lambda` paths). */
export function functionRoutes(c: LambdaContext): RestRoutes {
  const route = restRouter('lambda', c, c.app.errors);
  return {
    service: 'lambda',
    routes: [
      route('POST', '/2015-03-31/functions', 'CreateFunction', createFunction),
      route('GET', '/2015-03-31/functions', 'ListFunctions', listFunctions),
      route('GET', '/2015-03-31/functions/{FunctionName}', 'GetFunction', getFunction),
      route('DELETE', '/2015-03-31/functions/{FunctionName}', 'DeleteFunction', deleteFunction),
      route(
        'GET',
        '/2015-03-31/functions/{FunctionName}/configuration',
        'GetFunctionConfiguration',
        getFunctionConfiguration,
      ),
      route(
        'PUT',
        '/2015-03-31/functions/{FunctionName}/configuration',
        'UpdateFunctionConfiguration',
        updateFunctionConfiguration,
      ),
      route('PUT', '/2015-03-31/functions/{FunctionName}/code', 'UpdateFunctionCode', updateFunctionCode),
      route('POST', '/2015-03-31/functions/{FunctionName}/invocations', 'Invoke', invoke),
      route(
        'PUT',
        '/2017-10-31/functions/{FunctionName}/concurrency',
        'PutFunctionConcurrency',
        putFunctionConcurrency,
      ),
      route(
        'DELETE',
        '/2017-10-31/functions/{FunctionName}/concurrency',
        'DeleteFunctionConcurrency',
        deleteFunctionConcurrency,
      ),
      route(
        'GET',
        '/2019-09-30/functions/{FunctionName}/concurrency',
        'GetFunctionConcurrency',
        getFunctionConcurrency,
      ),
      route('POST', '/2015-03-31/functions/{FunctionName}/policy', 'AddPermission', addPermission),
      route('GET', '/2015-03-31/functions/{FunctionName}/policy', 'GetPolicy', getPolicy),
      route(
        'DELETE',
        '/2015-03-31/functions/{FunctionName}/policy/{StatementId}',
        'RemovePermission',
        removePermission,
      ),
      route('POST', '/2014-11-13/functions/{FunctionName}/invoke-async', 'InvokeAsync', invokeAsync),
      // Versions and aliases.
      route('POST', '/2015-03-31/functions/{FunctionName}/versions', 'PublishVersion', publishVersion),
      route(
        'GET',
        '/2015-03-31/functions/{FunctionName}/versions',
        'ListVersionsByFunction',
        listVersionsByFunction,
      ),
      route('POST', '/2015-03-31/functions/{FunctionName}/aliases', 'CreateAlias', createAlias),
      route('GET', '/2015-03-31/functions/{FunctionName}/aliases', 'ListAliases', listAliases),
      route('GET', '/2015-03-31/functions/{FunctionName}/aliases/{Name}', 'GetAlias', getAlias),
      route('PUT', '/2015-03-31/functions/{FunctionName}/aliases/{Name}', 'UpdateAlias', updateAlias),
      route('DELETE', '/2015-03-31/functions/{FunctionName}/aliases/{Name}', 'DeleteAlias', deleteAlias),
      // Tags (functions and event source mappings), account settings, async invocation settings.
      route('POST', '/2017-03-31/tags/{Resource}', 'TagResource', tagResource),
      route('DELETE', '/2017-03-31/tags/{Resource}', 'UntagResource', untagResource),
      route('GET', '/2017-03-31/tags/{Resource}', 'ListTags', listTags),
      route('GET', '/2016-08-19/account-settings', 'GetAccountSettings', getAccountSettings),
      ...eventInvokeConfigRoutes(route),
      // Layers.
      route('POST', '/2018-10-31/layers/{LayerName}/versions', 'PublishLayerVersion', publishLayerVersion),
      route('GET', '/2018-10-31/layers/{LayerName}/versions', 'ListLayerVersions', listLayerVersions),
      route(
        'GET',
        '/2018-10-31/layers/{LayerName}/versions/{VersionNumber}',
        'GetLayerVersion',
        getLayerVersion,
      ),
      route(
        'DELETE',
        '/2018-10-31/layers/{LayerName}/versions/{VersionNumber}',
        'DeleteLayerVersion',
        deleteLayerVersion,
      ),
      route('GET', '/2018-10-31/layers', 'GetLayerVersionByArn', getLayerVersionByArn, {
        query: { find: 'LayerVersion' },
      }),
      route('GET', '/2018-10-31/layers', 'ListLayers', listLayers),
      // Tributary's own: named alike for logs and metrics.
      route('GET', '/_tributary/lambda/functions/{FunctionName}/logs', 'GetFunctionLogs', getFunctionLogs, {
        strict: true,
      }),
      route(
        'GET',
        '/_tributary/lambda/functions/{FunctionName}/code/{CodeId}.zip',
        'GetFunctionCode',
        getFunctionCode,
        { strict: true },
      ),
      route(
        'GET',
        '/_tributary/lambda/layers/{LayerName}/versions/{VersionNumber}/content.zip',
        'GetLayerVersionContent',
        getLayerVersionContent,
        { strict: true },
      ),
    ],
    wrongMethod: (req) =>
      new AwsError('UnknownOperationException', `No Lambda operation for ${req.method} ${req.path}`, 404),
  };
}

/** The event invoke config routes (one path, four methods, and its list). */
function eventInvokeConfigRoutes(
  route: (method: string, path: string, operation: string, op: AnyOperation<LambdaContext>) => RestRoute,
): RestRoute[] {
  const path = '/2019-09-25/functions/{FunctionName}/event-invoke-config';
  return [
    route('PUT', path, 'PutFunctionEventInvokeConfig', putFunctionEventInvokeConfig),
    route('POST', path, 'UpdateFunctionEventInvokeConfig', updateFunctionEventInvokeConfig),
    route('GET', path, 'GetFunctionEventInvokeConfig', getFunctionEventInvokeConfig),
    route('DELETE', path, 'DeleteFunctionEventInvokeConfig', deleteFunctionEventInvokeConfig),
    route('GET', `${path}/list`, 'ListFunctionEventInvokeConfigs', listFunctionEventInvokeConfigs),
  ];
}
