import { readFile } from 'node:fs/promises';
import { FUNCTION_NAME } from '../function-names.js';
import { ResourceNotFound } from '../lambda-errors.js';
import type { LambdaContext, LambdaReply, LambdaRequest } from '../lambda-context.js';

/** GET /_tributary/lambda/functions/{name}/code/{codeId}.zip — GetFunction's Code.Location: the uploaded zip. */
export async function getFunctionCode(c: LambdaContext, req: LambdaRequest): Promise<LambdaReply> {
  const name = req.functionName ?? '';
  const r = FUNCTION_NAME.test(name) ? c.functions.get(name) : undefined;
  if (!r || req.params['CodeId'] !== r.codeId) throw ResourceNotFound('Code not found.');
  const zip = await readFile(c.codePath(r.name, r.codeId)).catch(() => undefined);
  if (!zip) throw ResourceNotFound('Code not found.');
  return { status: 200, headers: { 'content-type': 'application/zip' }, raw: zip };
}
