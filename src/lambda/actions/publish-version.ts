import { operation } from '../../server/operations.js';
import { string, structure } from '../../server/shapes.js';
import type { LambdaContext } from '../lambda-context.js';
import { UNQUALIFIED_FUNCTION_NAME_PATH, configurationReply } from './function-fields.js';

/**
 * PublishVersion (POST /2015-03-31/functions/{FunctionName}/versions): 201 with the version's
 * FunctionConfiguration. The version is an immutable snapshot of $LATEST's code and configuration, run by its own
 * workers. `CodeSha256` and `RevisionId` are preconditions on $LATEST; nothing changed since the last version
 * returns that version.
 */
export const publishVersion = operation({
  input: structure({
    FunctionName: UNQUALIFIED_FUNCTION_NAME_PATH,
    CodeSha256: string(),
    Description: string({ min: 0, max: 256 }),
    RevisionId: string(),
  }),
  async run(c: LambdaContext, input) {
    const latest = c.functions.requireLatest(input.FunctionName);
    const v = await c.functions.publish(latest.name, {
      codeSha256: input.CodeSha256,
      revisionId: input.RevisionId,
      description: input.Description,
    });
    return configurationReply(c, v, 201);
  },
});
