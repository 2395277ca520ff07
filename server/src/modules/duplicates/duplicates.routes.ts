import { Type } from 'typebox';
import type { App } from '../../http/app.ts';
import { contextOf, type Deps } from '../../http/context.ts';
import { IdParams, Nullable, Page } from '../../http/schemas.ts';
import { dismissGroup, getGroup, listGroups } from './duplicates.review.ts';
import { getScan, latestScan, requestScan } from './duplicates.scan.ts';
import {
  DuplicateCheckBody,
  DuplicateList,
  Group,
  GroupsQuery,
  ScanStatus,
  Settings,
  SettingsBody,
} from './duplicates.schemas.ts';
import { checkDuplicates, duplicatesOfLead } from './duplicates.service.ts';
import { getDuplicateSettings, updateDuplicateSettings } from './duplicates.settings.ts';

const tags = ['duplicates'];

/** Duplicate detection: settings, checks while typing, a lead's duplicates, scans and the review queue. */
export function duplicatesRoutes(app: App, deps: Deps): void {
  app.get(
    '/duplicates/settings',
    {
      config: { permission: 'leads:read' },
      schema: {
        tags,
        summary: 'The duplicate policy per channel (block, warn, allow), the name threshold and plus-addressing',
        response: { 200: Settings },
      },
    },
    (request) => getDuplicateSettings(deps, contextOf(request)),
  );

  app.put(
    '/duplicates/settings',
    {
      config: { permission: 'duplicates:manage' },
      schema: {
        tags,
        summary: 'Change the duplicate settings; what is not sent stays as it is. A web form may not block.',
        body: SettingsBody,
        response: { 200: Settings },
      },
    },
    (request) => updateDuplicateSettings(deps, contextOf(request), request.body),
  );

  app.post(
    '/leads/duplicate-check',
    {
      config: { permission: 'leads:create' },
      schema: {
        tags,
        summary: 'The leads you may see that a lead being typed would match (phones in any written form)',
        body: DuplicateCheckBody,
        response: { 200: DuplicateList },
      },
    },
    (request) => checkDuplicates(deps, contextOf(request), request.body),
  );

  app.get(
    '/leads/:id/duplicates',
    {
      config: { permission: 'leads:read' },
      schema: {
        tags,
        summary: 'The live leads you may see that match this one, best first (dismissed pairs left out)',
        params: IdParams,
        response: { 200: DuplicateList },
      },
    },
    (request) => duplicatesOfLead(deps, contextOf(request), request.params.id),
  );

  app.post(
    '/duplicates/scan',
    {
      config: { permission: 'duplicates:manage' },
      schema: {
        tags,
        summary: 'Scan every live lead for duplicates in the background (the one under way, when there is one)',
        response: { 202: ScanStatus },
      },
    },
    async (request, reply) => reply.code(202).send(await requestScan(deps, contextOf(request))),
  );

  app.get(
    '/duplicates/scans/latest',
    {
      config: { permission: 'leads:read' },
      schema: {
        tags,
        summary: 'The latest scan and its progress (null before the first)',
        response: { 200: Type.Object({ scan: Nullable(ScanStatus) }) },
      },
    },
    async (request) => ({ scan: await latestScan(deps, contextOf(request)) }),
  );

  app.get(
    '/duplicates/scans/:id',
    {
      config: { permission: 'leads:read' },
      schema: { tags, summary: 'A scan and its progress', params: IdParams, response: { 200: ScanStatus } },
    },
    (request) => getScan(deps, contextOf(request), request.params.id),
  );

  app.get(
    '/duplicates/groups',
    {
      config: { permission: 'leads:read' },
      schema: {
        tags,
        summary: 'The review queue: groups of likely duplicates you may see, most certain first',
        querystring: GroupsQuery,
        response: { 200: Page(Group) },
      },
    },
    (request) => listGroups(deps, contextOf(request), { ...request.query, limit: request.query.limit ?? 50 }),
  );

  app.get(
    '/duplicates/groups/:id',
    {
      config: { permission: 'leads:read' },
      schema: { tags, summary: 'One group of likely duplicates', params: IdParams, response: { 200: Group } },
    },
    (request) => getGroup(deps, contextOf(request), request.params.id),
  );

  app.post(
    '/duplicates/groups/:id/dismiss',
    {
      config: { permission: 'leads:write' },
      schema: {
        tags,
        summary: 'Not duplicates: the group leaves the queue and its leads are not paired again',
        params: IdParams,
        response: { 200: Group },
      },
    },
    (request) => dismissGroup(deps, contextOf(request), request.params.id),
  );
}
