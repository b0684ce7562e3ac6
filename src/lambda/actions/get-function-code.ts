import { operation } from '../../server/operations.js';
import { string, structure, unchecked } from '../../server/shapes.js';
import { FUNCTION_NAME } from '../function-names.js';
import { ResourceNotFound } from '../lambda-errors.js';
import type { LambdaContext, LambdaReply } from '../lambda-context.js';
import { zipDownload } from './zip-download.js';

/** GET /_tributary/lambda/functions/{name}/code/{codeId}.zip — GetFunction's Code.Location: the uploaded zip. */
export const getFunctionCode = operation({
  // A URL this server handed out: anything else is not found, without saying why.
  input: structure({
    FunctionName: unchecked(string({ location: 'uri' })),
    CodeId: unchecked(string({ location: 'uri' })),
  }),
  async run(c: LambdaContext, input): Promise<LambdaReply> {
    const name = (input.FunctionName as string | undefined) ?? '';
    const r = FUNCTION_NAME.test(name) ? c.functions.get(name) : undefined;
    if (!r || input.CodeId !== r.codeId) throw ResourceNotFound('Code not found.');
    return zipDownload(c.codePath(r.name, r.codeId), 'Code not found.');
  },
});
