import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../src/lib/ids.ts';
import { uploaded as uploadedFile } from '../src/modules/files/files.fixtures.ts';
import { uploaded } from '../src/modules/imports/imports.fixtures.ts';
import { createTestApp, type TestApp, userId } from './harness.ts';

/**
 * Every route that takes an id answers 404 to another company, whatever module added it: the test walks the
 * OpenAPI document, fills each path parameter with a Demo Co record of the right kind and sends a body that
 * passes the route's schema, so the answer comes from the lookup, not from validation.
 */
let t: TestApp;
beforeAll(async () => {
  // The extractor source below names this machine (127.0.0.1): private addresses are allowed, as an operator may.
  t = await createTestApp({ webhooksAllowPrivate: true });
});
afterAll(() => t.close());

type Schema = {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  minItems?: number;
  enum?: unknown[];
  const?: unknown;
  anyOf?: Schema[];
  format?: string;
  pattern?: string;
  minLength?: number;
  minimum?: number;
  minProperties?: number;
};

/** The smallest value a schema accepts: required properties only, first enum value, minimum lengths. */
function sample(schema: Schema): unknown {
  if (schema.const !== undefined) return schema.const;
  if (schema.enum) return schema.enum[0];
  if (schema.anyOf?.[0]) return sample(schema.anyOf[0]);
  const type = Array.isArray(schema.type) ? schema.type.find((x) => x !== 'null') : schema.type;
  switch (type) {
    case 'object': {
      const keys = [...(schema.required ?? [])];
      for (const k of Object.keys(schema.properties ?? {})) {
        if (keys.length >= (schema.minProperties ?? 0)) break;
        if (!keys.includes(k)) keys.push(k);
      }
      return Object.fromEntries(keys.map((k) => [k, sample(schema.properties?.[k] ?? {})]));
    }
    case 'array':
      return Array.from({ length: schema.minItems ?? 0 }, () => sample(schema.items ?? {}));
    case 'integer':
    case 'number':
      return Math.max(schema.minimum ?? 1, 1);
    case 'boolean':
      return true;
    case 'string': {
      if (schema.format === 'uuid') return newId();
      if (schema.format === 'date') return '2026-12-01';
      if (schema.format === 'date-time') return '2026-12-01T00:00:00.000Z';
      if (schema.format === 'email') return 'someone@example.com';
      if (schema.pattern) {
        const re = new RegExp(schema.pattern);
        const found = ['new', 'a', 'A1', 'x1'].find((c) => re.test(c));
        if (found) return found;
      }
      return 'x'.repeat(Math.max(schema.minLength ?? 1, 1));
    }
    default:
      return {};
  }
}

describe('tenant isolation of every id route', () => {
  it('answers 404 to Other Co, and changes nothing of Demo Co', async () => {
    const doc = (await t.app.inject({ url: '/api/openapi.json' })).json() as {
      paths: Record<
        string,
        Record<string, { 'x-permission'?: string; requestBody?: { content: Record<string, { schema: Schema }> } }>
      >;
    };
    const admin = 'admin@demo.test';
    const sales1 = await userId(t, 'sales1@demo.test');
    const ok = async (method: string, url: string, body?: unknown) => {
      const response = await t.as(admin, method, url, body);
      expect(response.statusCode, `${method} ${url}: ${response.body}`).toBeLessThan(300);
      return response.json();
    };
    const lead = await ok('POST', '/api/v1/leads', { name: 'Isolated Lead', ownerId: sales1 });
    const note = await ok('POST', `/api/v1/leads/${lead.id}/notes`, { body: `Call back @[Rohan Gupta](${sales1})` });
    const stage = await ok('POST', '/api/v1/pipeline/stages', { name: 'Isolation check' });
    const field = await ok('POST', '/api/v1/custom-fields', { label: 'Isolation field', type: 'text' });
    const partner = await ok('POST', '/api/v1/partners', { name: 'Isolation Partners' });
    const rule = await ok('POST', '/api/v1/assignment-rules', {
      name: 'Isolation rule',
      strategy: 'user',
      userIds: [sales1],
    });
    const leave = await ok('POST', `/api/v1/users/${sales1}/leaves`, { startsOn: '2026-12-24', endsOn: '2026-12-26' });
    const view = await ok('POST', '/api/v1/views', { name: 'Isolation view', filters: {} });
    const dashboard = await ok('POST', '/api/v1/dashboards', { name: 'Isolation dashboard', tiles: [] });
    const report = await ok('POST', '/api/v1/reports/saved', {
      name: 'Isolation report',
      definition: { subject: 'leads', measures: ['leads'] },
    });
    const reportSchedule = await ok('POST', '/api/v1/report-schedules', {
      name: 'Isolation schedule',
      report: 'pipeline.deals-by-stage',
      frequency: 'daily',
      at: '08:00',
      recipients: [sales1],
    });
    const target = (
      await ok('PUT', '/api/v1/targets', {
        items: [{ scope: { kind: 'user', key: sales1 }, period: '2026-12', wonValue: 1000, wonCount: 1 }],
      })
    ).data[0];
    const form = await ok('POST', '/api/v1/forms', {
      name: 'Isolation form',
      fields: [{ name: 'full_name', label: 'Name', type: 'text', required: true, mapsTo: 'name' }],
    });
    const notification = (await t.as('sales1@demo.test', 'GET', '/api/v1/notifications')).json().data[0];
    const session = (await t.as('sales1@demo.test', 'GET', '/api/v1/auth/sessions')).json().data[0];
    const key = await t.as('integration@demo.test', 'POST', '/api/v1/api-keys', { name: 'isolation' });
    const survivor = await ok('POST', '/api/v1/leads', { name: 'Isolation Survivor', ownerId: sales1 });
    const mergedAway = await ok('POST', '/api/v1/leads', { name: 'Isolation Merged', ownerId: sales1 });
    const leadMerge = await ok('POST', '/api/v1/leads/merge', { survivorId: survivor.id, mergedIds: [mergedAway.id] });
    await ok('PUT', '/api/v1/email/settings', {
      host: '127.0.0.1',
      port: 2525,
      security: 'none',
      fromName: 'Demo Co',
      fromAddress: 'sales@demo-co.example',
    });
    const email = await ok('POST', `/api/v1/leads/${lead.id}/emails`, {
      subject: 'Isolation',
      text: 'x',
      to: ['someone@example.com'],
    });
    const template = await ok('POST', '/api/v1/email/templates', {
      name: 'Isolation template',
      subject: 'x',
      text: 'y',
    });
    const activity = await ok('POST', '/api/v1/activities', {
      leadId: lead.id,
      type: 'follow_up',
      dueAt: '2030-01-07T10:00:00.000Z',
      assigneeId: sales1,
    });
    const group = (await ok('GET', '/api/v1/duplicates/groups')).data[0];
    const scan = await ok('POST', '/api/v1/duplicates/scan');
    const imp = await uploaded(t, admin, 'isolation.csv', 'Name\nIsolated Import\n');
    const mapping = await ok('POST', '/api/v1/imports/mappings', {
      name: 'Isolation mapping',
      mapping: { columns: { Name: 'name' } },
    });
    const folder = await ok('POST', '/api/v1/folders', { name: 'Isolation folder' });
    const file = await uploadedFile(t, admin, 'isolation.txt', 'x', { folderId: folder.id });
    const facebookPage = await ok('POST', '/api/v1/facebook/pages', {
      pageId: '138124712925158',
      pageName: 'Isolation page',
      accessToken: 'EAAJisolationToken',
      appSecret: 'isolation-app-secret',
    });
    const facebookForm = '172036835026334';
    await ok('PUT', `/api/v1/facebook/forms/${facebookForm}/mapping`, { connectionId: facebookPage.id, fields: [] });
    const bulk = await ok('POST', '/api/v1/leads/bulk-actions', {
      action: 'tag',
      filter: { q: 'Isolated Lead' },
      params: { tags: ['iso'] },
    });
    const webhook = await ok('POST', '/api/v1/webhooks/endpoints', {
      url: 'https://example.com/hook',
      eventTypes: ['lead.created'],
    });
    const webhookDelivery = await ok('POST', `/api/v1/webhooks/endpoints/${webhook.id}/test`);
    const ticket = await ok('POST', '/api/v1/tickets', {
      subject: 'Isolation ticket',
      description: 'x',
      leadId: lead.id,
    });
    const extractorSource = await ok('POST', '/api/v1/extractor/sources', {
      name: 'Isolation source',
      kind: 'mysql',
      host: '127.0.0.1',
      port: 1,
      user: 'root',
      database: 'x',
      query: 'SELECT id FROM t',
      cursorColumn: 'id',
      mapping: [],
    });
    const extractorRun = await ok('POST', `/api/v1/extractor/sources/${extractorSource.id}/runs`);
    // Nothing is contacted until a run starts: the address need not answer.
    const erpConnection = await ok('POST', '/api/v1/erp/connections', {
      connector: 'tally',
      name: 'Isolation Tally',
      settings: { url: 'http://127.0.0.1:9', company: 'Demo' },
    });
    const erpRun = await ok('POST', `/api/v1/erp/connections/${erpConnection.id}/sync`, {});
    const scoreRule = await ok('POST', '/api/v1/scoring/rules', {
      label: 'Isolation score rule',
      kind: 'field',
      field: 'city',
      operator: 'is_set',
      points: 5,
    });
    const scoreModel = await ok('POST', '/api/v1/scoring/models');

    const ids: [RegExp, string][] = [
      [/^\/api\/v1\/leads\/bulk-actions\//, bulk.id],
      [/^\/api\/v1\/leads\//, lead.id],
      [/^\/api\/v1\/activities\//, activity.id],
      [/^\/api\/v1\/imports\/mappings\//, mapping.id],
      [/^\/api\/v1\/imports\//, imp.id],
      [/^\/api\/v1\/duplicates\/groups\//, group.id],
      [/^\/api\/v1\/duplicates\/scans\//, scan.id],
      [/^\/api\/v1\/emails\//, email.id],
      [/^\/api\/v1\/email\/templates\//, template.id],
      [/^\/api\/v1\/users\//, sales1],
      [/^\/api\/v1\/assignment-rules\//, rule.id],
      [/^\/api\/v1\/notifications\//, notification.id],
      [/^\/api\/v1\/partners\//, partner.id],
      [/^\/api\/v1\/views\//, view.id],
      [/^\/api\/v1\/dashboards\//, dashboard.id],
      [/^\/api\/v1\/reports\/saved\//, report.id],
      [/^\/api\/v1\/report-schedules\//, reportSchedule.id],
      [/^\/api\/v1\/targets\//, target.id],
      [/^\/api\/v1\/forms\//, form.id],
      [/^\/api\/v1\/auth\/sessions\//, session.id],
      [/^\/api\/v1\/api-keys\//, key.json().id],
      [/^\/api\/v1\/facebook\/pages\//, facebookPage.id],
      [/^\/api\/v1\/files\//, file.id],
      [/^\/api\/v1\/folders\//, folder.id],
      [/^\/api\/v1\/webhooks\/endpoints\//, webhook.id],
      [/^\/api\/v1\/webhooks\/deliveries\//, webhookDelivery.id],
      [/^\/api\/v1\/tickets\//, ticket.id],
      [/^\/api\/v1\/extractor\/sources\//, extractorSource.id],
      [/^\/api\/v1\/extractor\/runs\//, extractorRun.id],
      // No failed row in Demo Co here: the run's id stands in (the extractor's own test checks a real one).
      [/^\/api\/v1\/extractor\/row-errors\//, extractorRun.id],
      [/^\/api\/v1\/integrations\//, webhook.id],
      [/^\/api\/v1\/erp\/connections\//, erpConnection.id],
      [/^\/api\/v1\/erp\/runs\//, erpRun.id],
      // No ERP error or conflict in Demo Co here: the run's id stands in (the ERP module's own tests check real ones).
      [/^\/api\/v1\/erp\/errors\//, erpRun.id],
      [/^\/api\/v1\/erp\/conflicts\//, erpRun.id],
      // Demo Co may have no recommendation here: a lead's id stands in (the recommendations test checks real ones).
      [/^\/api\/v1\/insights\/recommendations\//, lead.id],
      [/^\/api\/v1\/scoring\/rules\//, scoreRule.id],
      [/^\/api\/v1\/scoring\/models\//, scoreModel.id],
    ];
    const fill = (path: string) =>
      path
        .replace('{id}', ids.find(([re]) => re.test(path))?.[1] ?? 'unknown')
        .replace('{noteId}', note.id)
        .replace('{mergeId}', leadMerge.mergeId)
        .replace('{leaveId}', leave.id)
        .replace('{formId}', facebookForm)
        .replace('{kind}', 'webhook')
        .replace('{key}', path.includes('pipeline') ? stage.key : field.key);

    let checked = 0;
    for (const [path, item] of Object.entries(doc.paths)) {
      if (!path.includes('{')) continue;
      for (const [method, op] of Object.entries(item)) {
        if (!['get', 'post', 'patch', 'delete', 'put'].includes(method) || op['x-permission'] === 'public') continue;
        const url = fill(path);
        expect(url, path).not.toMatch(/\{|unknown/);
        const schema = op.requestBody?.content['application/json']?.schema;
        const response = await t.as('admin@other.test', method.toUpperCase(), url, schema ? sample(schema) : undefined);
        expect(response.statusCode, `${method.toUpperCase()} ${path}: ${response.body}`).toBe(404);
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(35);

    // Nothing of Demo Co moved.
    expect((await t.as(admin, 'GET', `/api/v1/leads/${lead.id}`)).json()).toMatchObject({ version: lead.version });
    expect((await t.as(admin, 'GET', `/api/v1/leads/${lead.id}/notes`)).json().data).toHaveLength(1);
    expect((await t.as(admin, 'GET', `/api/v1/users/${sales1}`)).json()).toMatchObject({
      active: true,
      name: 'Rohan Gupta',
    });
    expect((await t.as(admin, 'GET', `/api/v1/assignment-rules/${rule.id}`)).json()).toMatchObject({
      name: 'Isolation rule',
    });
    expect((await t.as(admin, 'GET', `/api/v1/forms/${form.id}`)).json()).toMatchObject({ active: true });
    const stages = (await t.as(admin, 'GET', '/api/v1/pipeline/stages')).json().data;
    expect(stages.map((s: { key: string }) => s.key)).toContain(stage.key);
    expect((await t.as(key.json().key, 'GET', '/api/v1/auth/me')).statusCode).toBe(200);
  });
});
