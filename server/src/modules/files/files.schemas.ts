import { type Static, Type } from 'typebox';
import { Nullable } from '../../http/schemas.ts';
import { roles } from '../users/index.ts';

const Id = Type.String({ format: 'uuid' });
const When = Type.String({ format: 'date-time' });

export const FileMeta = Type.Object({
  id: Id,
  name: Type.String(),
  folderId: Nullable(Id, { description: 'null: at the root, on a lead or on a ticket' }),
  leadId: Nullable(Id),
  ticketId: Nullable(Id, { description: 'The support ticket the file is attached to' }),
  version: Type.Integer({ minimum: 1, description: 'The current version' }),
  size: Type.Integer({ minimum: 1, description: 'Bytes of the current version' }),
  contentType: Type.String({ description: 'Sniffed from the bytes, never taken from the client' }),
  sha256: Type.String({ pattern: '^[0-9a-f]{64}$' }),
  previewable: Type.Boolean({ description: 'An image or PDF: `GET …/content?inline=1` shows it in the browser' }),
  createdAt: When,
  updatedAt: When,
  deletedAt: Nullable(When, { description: 'Set while the file is in the trash' }),
});

export const FileVersion = Type.Object({
  version: Type.Integer({ minimum: 1 }),
  size: Type.Integer({ minimum: 1 }),
  contentType: Type.String(),
  sha256: Type.String(),
  createdBy: Type.Object({ id: Id, name: Type.String() }),
  createdAt: When,
});

/** What the OpenAPI document shows of the upload; the parts are read and checked as they stream. */
export const UploadBody = Type.Object({
  folderId: Type.Optional(Type.String({ format: 'uuid', description: 'A folder you see; before the file part' })),
  leadId: Type.Optional(Type.String({ format: 'uuid', description: 'A lead you may change; before the file part' })),
  ticketId: Type.Optional(
    Type.String({ format: 'uuid', description: 'A ticket you see and may reply to; before the file part' }),
  ),
  file: Type.String({ format: 'binary', description: 'The file, last; its name becomes the file name' }),
});

export const ListFilesQuery = Type.Object(
  {
    folderId: Type.Optional(Type.String({ format: 'uuid' })),
    leadId: Type.Optional(Type.String({ format: 'uuid' })),
    ticketId: Type.Optional(Type.String({ format: 'uuid', description: 'The files of a ticket you see' })),
    trashed: Type.Optional(Type.Boolean({ description: 'The trash of that place instead of its live files' })),
  },
  { additionalProperties: false },
);

export const ContentQuery = Type.Object(
  {
    inline: Type.Optional(
      Type.Union([Type.Literal('1'), Type.Literal('0'), Type.Literal('true'), Type.Literal('false')], {
        description: '1: show an image or PDF in the browser; other types are always attachments',
      }),
    ),
    version: Type.Optional(Type.Integer({ minimum: 1, description: 'An earlier version (default: the current)' })),
  },
  { additionalProperties: false },
);

const Role = Type.Union(
  roles.map((r) => Type.Literal(r)),
  { description: 'A role' },
);
const FolderName = Type.String({ minLength: 1, maxLength: 120 });
const AllowedRoles = Nullable(Type.Array(Role, { maxItems: 20 }), {
  description: 'Only these roles (and allowedUserIds, allowedTeamIds) see the folder; null or absent: no restriction',
});
const AllowedUserIds = Nullable(Type.Array(Id, { maxItems: 200 }), {
  description: 'Only these users (and allowedRoles) see the folder; null or absent: no restriction',
});
const AllowedTeamIds = Nullable(Type.Array(Id, { maxItems: 50 }), {
  description:
    'Managers whose team (the manager and everyone below it) sees the folder; null or absent: no restriction',
});

export const Folder = Type.Object({
  id: Id,
  parentId: Nullable(Id),
  name: Type.String(),
  allowedRoles: Nullable(Type.Array(Type.String())),
  allowedUserIds: Nullable(Type.Array(Id)),
  allowedTeamIds: Nullable(Type.Array(Id)),
  createdAt: When,
  updatedAt: When,
});

export const CreateFolderBody = Type.Object(
  {
    name: FolderName,
    parentId: Type.Optional(Nullable(Id)),
    allowedRoles: Type.Optional(AllowedRoles),
    allowedUserIds: Type.Optional(AllowedUserIds),
    allowedTeamIds: Type.Optional(AllowedTeamIds),
  },
  { additionalProperties: false },
);
export type CreateFolderInput = Static<typeof CreateFolderBody>;

export const UpdateFolderBody = Type.Object(
  {
    name: Type.Optional(FolderName),
    parentId: Type.Optional(Nullable(Id)),
    allowedRoles: Type.Optional(AllowedRoles),
    allowedUserIds: Type.Optional(AllowedUserIds),
    allowedTeamIds: Type.Optional(AllowedTeamIds),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateFolderInput = Static<typeof UpdateFolderBody>;
