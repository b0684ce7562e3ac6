import { operation } from '../../server/operations.js';
import { integer, string, structure, unchecked } from '../../server/shapes.js';
import { ResourceNotFound } from '../lambda-errors.js';
import type { LambdaContext, LambdaReply } from '../lambda-context.js';
import { zipDownload } from './zip-download.js';

/** GET /_tributary/lambda/layers/{LayerName}/versions/{VersionNumber}/content.zip — Content.Location: the zip. */
export const getLayerVersionContent = operation({
  // A URL this server handed out: anything else is not found, without saying why.
  input: structure({
    LayerName: unchecked(string({ location: 'uri' })),
    VersionNumber: unchecked(integer({ location: 'uri' })),
  }),
  async run(c: LambdaContext, input): Promise<LambdaReply> {
    const name = (input.LayerName as string | undefined) ?? '';
    const version = Number(input.VersionNumber);
    if (!c.layers.get(name, version)) throw ResourceNotFound('Content not found.');
    return zipDownload(c.layers.zipPath(name, version), 'Content not found.');
  },
});
