import type { components, paths } from '../../lib/api-types';

type Schemas = components['schemas'];
export type Lead = Schemas['Lead'];
export type Assignment = Schemas['Assignment'];
export type StageHistoryEntry = Schemas['StageHistoryEntry'];
export type LeadListQuery = NonNullable<paths['/api/v1/leads']['get']['parameters']['query']>;
export type CreateLeadBody = paths['/api/v1/leads']['post']['requestBody']['content']['application/json'];
export type UpdateLeadBody = NonNullable<
  paths['/api/v1/leads/{id}']['patch']['requestBody']
>['content']['application/json'];
export type MoveStageBody = paths['/api/v1/leads/{id}/stage']['post']['requestBody']['content']['application/json'];
export type StageFields = NonNullable<MoveStageBody['fields']>;
export type AssignBody = paths['/api/v1/leads/{id}/assign']['post']['requestBody']['content']['application/json'];
export type LeadSource = NonNullable<CreateLeadBody['source']>;

type Json<P extends keyof paths, M extends 'get' | 'post' | 'patch'> = paths[P][M] extends {
  responses: { 200: { content: { 'application/json': infer B } } };
}
  ? B
  : paths[P][M] extends { responses: { 201: { content: { 'application/json': infer B } } } }
    ? B
    : never;

export type CustomFieldDef = Json<'/api/v1/custom-fields', 'get'>['data'][number];
export type CustomFieldType = CustomFieldDef['type'];
export type PipelineStage = Json<'/api/v1/pipeline/stages', 'get'>['data'][number];
export type StageCount = Json<'/api/v1/leads/counts', 'get'>['data'][number];
export type CountsQuery = NonNullable<paths['/api/v1/leads/counts']['get']['parameters']['query']>;
export type SavedView = Json<'/api/v1/views', 'get'>['data'][number];
export type SaveViewBody = paths['/api/v1/views']['post']['requestBody']['content']['application/json'];
export type UpdateViewBody = NonNullable<
  paths['/api/v1/views/{id}']['patch']['requestBody']
>['content']['application/json'];
export type TimelineItem = Json<'/api/v1/leads/{id}/timeline', 'get'>['data'][number];
export type Note = Json<'/api/v1/leads/{id}/notes', 'get'>['data'][number];
