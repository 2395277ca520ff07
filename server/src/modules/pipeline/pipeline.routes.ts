import { Type } from 'typebox';
import type { App } from '../../http/app.ts';
import { contextOf, type Deps } from '../../http/context.ts';
import { List, NoContent, Nullable } from '../../http/schemas.ts';
import { KEY_PATTERN } from '../../lib/keys.ts';
import * as service from './pipeline.service.ts';

const Kind = Type.Enum(['open', 'won', 'lost'], {
  description: 'open: work in progress; won / lost: closed (a pipeline keeps at least one of each)',
});
const Key = Type.String({ pattern: KEY_PATTERN, description: 'Lower-case letters, digits and _, up to 40' });
const RequiredFields = Type.Array(Type.String({ minLength: 1, maxLength: 60 }), {
  maxItems: 40,
  description: 'Lead fields to fill in when moving a lead here: a lead field name, or customFields.<key>',
});

const Stage = Type.Object(
  {
    key: Type.String(),
    name: Type.String(),
    position: Type.Integer(),
    kind: Kind,
    requiredFields: Type.Array(Type.String()),
    probability: Nullable(
      Type.Number({ description: 'Win probability for the weighted forecast (0..1); null: learnt from history' }),
    ),
  },
  { additionalProperties: false },
);

const StageParams = Type.Object({ key: Key }, { additionalProperties: false });

const CreateStageBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 60 }),
    key: Type.Optional(
      Type.String({
        pattern: KEY_PATTERN,
        description: 'Lower-case letters, digits and _; derived from the name when absent',
      }),
    ),
    kind: Type.Optional(Kind),
    requiredFields: Type.Optional(RequiredFields),
    position: Type.Optional(
      Type.Integer({
        minimum: 0,
        description: 'Where the column goes (0 is first); by default after the last open stage, or last',
      }),
    ),
  },
  { additionalProperties: false },
);

const UpdateStageBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 60 })),
    kind: Type.Optional(Kind),
    requiredFields: Type.Optional(RequiredFields),
    probability: Type.Optional(
      Nullable(
        Type.Number({
          minimum: 0,
          maximum: 1,
          description: 'Win probability for the weighted forecast (0..1); null to learn it from the stage’s history',
        }),
      ),
    ),
  },
  { additionalProperties: false, minProperties: 1 },
);

const ReorderBody = Type.Object(
  { keys: Type.Array(Key, { minItems: 1, maxItems: 100, description: 'Every stage key, exactly once' }) },
  { additionalProperties: false },
);

export function pipelineRoutes(app: App, deps: Deps): void {
  app.get(
    '/pipeline/stages',
    {
      config: { permission: 'leads:read' },
      schema: {
        tags: ['pipeline'],
        summary: "The pipeline's stages in board order",
        response: { 200: List(Stage) },
      },
    },
    (request) => service.listStages(deps, contextOf(request)),
  );

  app.post(
    '/pipeline/stages',
    {
      config: { permission: 'pipeline:manage' },
      schema: {
        tags: ['pipeline'],
        summary: 'Add a stage',
        body: CreateStageBody,
        response: { 201: Stage },
      },
    },
    async (request, reply) => reply.code(201).send(await service.createStage(deps, contextOf(request), request.body)),
  );

  app.post(
    '/pipeline/stages/reorder',
    {
      config: { permission: 'pipeline:manage' },
      schema: {
        tags: ['pipeline'],
        summary: 'Put the stages in a new order; the body lists every key exactly once',
        body: ReorderBody,
        response: { 200: List(Stage) },
      },
    },
    (request) => service.reorderStages(deps, contextOf(request), request.body.keys),
  );

  app.patch(
    '/pipeline/stages/:key',
    {
      config: { permission: 'pipeline:manage' },
      schema: {
        tags: ['pipeline'],
        summary: 'Rename a stage, change its kind or the fields it requires',
        params: StageParams,
        body: UpdateStageBody,
        response: { 200: Stage },
      },
    },
    (request) => service.updateStage(deps, contextOf(request), request.params.key, request.body),
  );

  app.delete(
    '/pipeline/stages/:key',
    {
      config: { permission: 'pipeline:manage' },
      schema: {
        tags: ['pipeline'],
        summary: 'Delete a stage no lead is in (never the last won or lost stage)',
        params: StageParams,
        response: { 204: NoContent },
      },
    },
    async (request, reply) => {
      await service.deleteStage(deps, contextOf(request), request.params.key);
      return reply.code(204).send(null);
    },
  );
}
