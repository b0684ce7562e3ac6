import { operation } from '../../server/operations.js';
import { list, required, string, structure, timestamp } from '../../server/shapes.js';
import { MARKER, MAX_ITEMS, NAME, PATH, USER, page, userOut, type IamContext } from '../iam-action.js';

/** CreateUser, GetUser, DeleteUser, ListUsers, CreateAccessKey, DeleteAccessKey, ListAccessKeys. */

export const createUser = operation({
  input: structure({ UserName: required(NAME(64)), Path: PATH }),
  output: structure({ User: USER }),
  async run(iam: IamContext, input) {
    return { User: userOut(await iam.registry.createUser(input.UserName, input.Path ?? '/')) };
  },
});

export const getUser = operation({
  input: structure({ UserName: NAME(64) }),
  output: structure({ User: USER }),
  async run(iam: IamContext, input, call) {
    // Without a name, the caller's own user (an IAM user's signature).
    const name = input.UserName ?? call.auth?.principal.arn.split('/').pop();
    return { User: userOut(iam.registry.user(name ?? '')) };
  },
});

export const deleteUser = operation({
  input: structure({ UserName: required(NAME(64)) }),
  async run(iam: IamContext, input) {
    await iam.registry.deleteUser(input.UserName);
    return {};
  },
});

export const listUsers = operation({
  input: structure({ PathPrefix: string(), Marker: MARKER, MaxItems: MAX_ITEMS }),
  output: structure({ Users: list(USER), IsTruncated: { type: 'boolean' }, Marker: string() }),
  async run(iam: IamContext, input) {
    const all = [...iam.registry.users.values()]
      .filter((u) => u.Path.startsWith(input.PathPrefix ?? '/'))
      .sort((a, b) => (a.UserName < b.UserName ? -1 : 1));
    const { items, ...rest } = page(all, input.Marker, input.MaxItems);
    return { Users: items.map(userOut), ...rest };
  },
});

const KEY_META = structure({
  UserName: string(),
  AccessKeyId: string(),
  Status: string(),
  CreateDate: timestamp(),
});

export const createAccessKey = operation({
  input: structure({ UserName: required(NAME(64)) }),
  output: structure({
    AccessKey: structure({
      UserName: string(),
      AccessKeyId: string(),
      Status: string(),
      SecretAccessKey: string(),
      CreateDate: timestamp(),
    }),
  }),
  async run(iam: IamContext, input) {
    const k = await iam.registry.createAccessKey(input.UserName);
    // The only time the secret is ever returned (AWS: it cannot be retrieved later).
    return {
      AccessKey: {
        UserName: k.UserName,
        AccessKeyId: k.AccessKeyId,
        Status: k.Status,
        SecretAccessKey: k.SecretAccessKey,
        CreateDate: new Date(k.CreateDate),
      },
    };
  },
});

export const deleteAccessKey = operation({
  input: structure({ UserName: required(NAME(64)), AccessKeyId: required(string({ min: 16, max: 128 })) }),
  async run(iam: IamContext, input) {
    await iam.registry.deleteAccessKey(input.AccessKeyId, input.UserName);
    return {};
  },
});

export const listAccessKeys = operation({
  input: structure({ UserName: required(NAME(64)), Marker: MARKER, MaxItems: MAX_ITEMS }),
  output: structure({
    AccessKeyMetadata: list(KEY_META),
    IsTruncated: { type: 'boolean' },
    Marker: string(),
  }),
  async run(iam: IamContext, input) {
    iam.registry.user(input.UserName);
    const { items, ...rest } = page(iam.registry.keysOf(input.UserName), input.Marker, input.MaxItems);
    return {
      AccessKeyMetadata: items.map((k) => ({
        UserName: k.UserName,
        AccessKeyId: k.AccessKeyId,
        Status: k.Status,
        CreateDate: new Date(k.CreateDate),
      })),
      ...rest,
    };
  },
});
