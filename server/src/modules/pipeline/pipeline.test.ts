import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, expectProblem, type TestApp } from '../../../test/harness.ts';
import { withTenant } from '../../db/client.ts';

/** The pipeline's stages: everyone with leads sees the columns, only admins change them. */

const ADMIN = 'admin@demo.test';
const OTHER = 'admin@other.test';
let t: TestApp;
let demoCompanyId: string;

beforeAll(async () => {
  t = await createTestApp();
  demoCompanyId = (await t.as(ADMIN, 'GET', '/api/v1/auth/me')).json().company.id;
});
afterAll(() => t.close());

interface Stage {
  key: string;
  name: string;
  position: number;
  kind: string;
  requiredFields: string[];
}

const stages = async (who = ADMIN): Promise<Stage[]> => {
  const response = await t.as(who, 'GET', '/api/v1/pipeline/stages');
  expect(response.statusCode, response.body).toBe(200);
  return response.json().data;
};
const keys = async () => (await stages()).map((s) => s.key);

/** Demo Co's stages and audit rows, straight from the database: a refused write changes neither. */
const state = () =>
  withTenant(t.dbs.app, demoCompanyId, async (trx) => {
    const rows = await sql`SELECT key, name, position, kind, required_fields, updated_at FROM pipeline_stages
      ORDER BY key`.execute(trx);
    const audit = await sql`SELECT count(*)::int AS n FROM audit_log`.execute(trx);
    return JSON.stringify({ rows: rows.rows, audit: audit.rows });
  });

const latestAudit = async () => (await t.as(ADMIN, 'GET', '/api/v1/audit?entityType=pipeline_stage')).json().data[0];

describe('GET /pipeline/stages', () => {
  it('gives every role that reads leads the default pipeline in board order', async () => {
    for (const who of ['sales1@demo.test', 'warrior1@demo.test', 'partner@demo.test', 'guest@demo.test']) {
      expect(await stages(who)).toEqual([
        { key: 'new', name: 'New', position: 0, kind: 'open', requiredFields: [], probability: null },
        { key: 'demo', name: 'Demo', position: 1, kind: 'open', requiredFields: [], probability: null },
        { key: 'proposal', name: 'Proposal', position: 2, kind: 'open', requiredFields: [], probability: null },
        { key: 'trial', name: 'Trial', position: 3, kind: 'open', requiredFields: [], probability: null },
        { key: 'won', name: 'Won', position: 4, kind: 'won', requiredFields: ['expectedValue'], probability: null },
        { key: 'lost', name: 'Lost', position: 5, kind: 'lost', requiredFields: ['lostReason'], probability: null },
      ]);
    }
  });
});

describe('adding a stage', () => {
  it('derives the key from the name and puts an open stage after the last open one; audited', async () => {
    const response = await t.as(ADMIN, 'POST', '/api/v1/pipeline/stages', {
      name: '  Site Visit ',
      requiredFields: ['city', 'phones', 'city'],
    });
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json()).toEqual({
      key: 'site_visit',
      name: 'Site Visit',
      position: 4,
      kind: 'open',
      requiredFields: ['city', 'phones'],
      probability: null,
    });
    expect(await keys()).toEqual(['new', 'demo', 'proposal', 'trial', 'site_visit', 'won', 'lost']);
    expect((await stages()).map((s) => s.position)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    const entry = await latestAudit();
    expect(entry).toMatchObject({ action: 'pipeline_stage.created', entityType: 'pipeline_stage' });
    expect(entry.changes.stageKey).toEqual({ from: null, to: 'site_visit' });
  });

  it('takes an explicit key, kind and position', async () => {
    const response = await t.as(ADMIN, 'POST', '/api/v1/pipeline/stages', {
      name: 'Won (renewal)',
      key: 'renewed',
      kind: 'won',
      position: 0,
      requiredFields: ['expectedValue', 'name'],
    });
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json()).toMatchObject({ key: 'renewed', kind: 'won', position: 0 });
    expect((await keys())[0]).toBe('renewed');
  });

  it('refuses bad input naming the field, and changes nothing', async () => {
    const before = await state();
    const cases: [Record<string, unknown>, number, string, string][] = [
      [{ name: 'Site Visit' }, 409, 'conflict', 'key'],
      [{ name: 'Other', key: 'demo' }, 409, 'conflict', 'key'],
      [{ name: '   ' }, 400, 'validation_failed', 'name'],
      [{ name: '' }, 400, 'validation_failed', 'name'],
      [{ name: 'x'.repeat(61) }, 400, 'validation_failed', 'name'],
      [{ name: '!!!' }, 400, 'validation_failed', 'key'],
      [{ name: 'Fine', key: 'Bad Key' }, 400, 'validation_failed', 'key'],
      [{ name: 'Fine', kind: 'maybe' }, 400, 'validation_failed', 'kind'],
      [{ name: 'Fine', position: -1 }, 400, 'validation_failed', 'position'],
      [{ name: 'Fine', requiredFields: ['city', 'shoeSize'] }, 400, 'validation_failed', 'requiredFields.1'],
      [{ name: 'Fine', requiredFields: ['customFields.nope'] }, 400, 'validation_failed', 'requiredFields.0'],
      [{ name: 'Fine', requiredFields: ['customFields'] }, 400, 'validation_failed', 'requiredFields.0'],
      [{ name: 'Fine', requiredFields: 'city' }, 400, 'validation_failed', 'requiredFields'],
      [{ name: 'Fine', colour: 'red' }, 400, 'validation_failed', 'colour'],
    ];
    for (const [body, status, code, path] of cases) {
      expectProblem(await t.as(ADMIN, 'POST', '/api/v1/pipeline/stages', body), status, code, path);
    }
    expect(await state()).toBe(before);
  });
});

describe('changing a stage', () => {
  it('renames it and changes its required fields and kind; audited with what changed', async () => {
    const response = await t.as(ADMIN, 'PATCH', '/api/v1/pipeline/stages/demo', {
      name: 'Product Demo',
      requiredFields: ['emails'],
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toEqual({
      key: 'demo',
      name: 'Product Demo',
      position: 2,
      kind: 'open',
      requiredFields: ['emails'],
      probability: null,
    });
    const entry = await latestAudit();
    expect(entry.action).toBe('pipeline_stage.updated');
    expect(entry.changes).toEqual({
      name: { from: 'Demo', to: 'Product Demo' },
      requiredFields: { from: [], to: ['emails'] },
    });
    // A second won stage exists (renewed), so this one may become open, and back.
    const open = await t.as(ADMIN, 'PATCH', '/api/v1/pipeline/stages/won', { kind: 'open' });
    expect(open.json().kind).toBe('open');
    expect((await t.as(ADMIN, 'PATCH', '/api/v1/pipeline/stages/won', { kind: 'won' })).json().kind).toBe('won');
  });

  it('keeps at least one lost stage, and refuses bad input; nothing changes', async () => {
    const before = await state();
    expectProblem(
      await t.as(ADMIN, 'PATCH', '/api/v1/pipeline/stages/lost', { kind: 'open' }),
      422,
      'unprocessable',
      'kind',
    );
    expectProblem(await t.as(ADMIN, 'PATCH', '/api/v1/pipeline/stages/demo', {}), 400, 'validation_failed');
    expectProblem(
      await t.as(ADMIN, 'PATCH', '/api/v1/pipeline/stages/demo', { name: ' ' }),
      400,
      'validation_failed',
      'name',
    );
    expectProblem(
      await t.as(ADMIN, 'PATCH', '/api/v1/pipeline/stages/demo', { requiredFields: ['expectedValue', 'x'] }),
      400,
      'validation_failed',
      'requiredFields.1',
    );
    expectProblem(
      await t.as(ADMIN, 'PATCH', '/api/v1/pipeline/stages/demo', { position: 3 }),
      400,
      'validation_failed',
      'position',
    );
    expectProblem(await t.as(ADMIN, 'PATCH', '/api/v1/pipeline/stages/nothing_here', { name: 'X' }), 404, 'not_found');
    expect(await state()).toBe(before);
  });

  it('enforces a changed requirement when a lead moves there', async () => {
    await t.as(ADMIN, 'PATCH', '/api/v1/pipeline/stages/proposal', { requiredFields: ['companyName'] });
    const lead = (await t.as('sales1@demo.test', 'POST', '/api/v1/leads', { name: 'Neha Kapoor' })).json();
    const move = await t.as('sales1@demo.test', 'POST', `/api/v1/leads/${lead.id}/stage`, { stage: 'proposal' });
    expectProblem(move, 422, 'stage_requirements', 'fields.companyName');
    const ok = await t.as('sales1@demo.test', 'POST', `/api/v1/leads/${lead.id}/stage`, {
      stage: 'proposal',
      fields: { companyName: 'Kapoor Foods' },
    });
    expect(ok.statusCode, ok.body).toBe(200);
  });
});

describe('reordering', () => {
  it('puts the columns in the order given', async () => {
    const order = ['new', 'site_visit', 'demo', 'proposal', 'trial', 'won', 'renewed', 'lost'];
    const response = await t.as(ADMIN, 'POST', '/api/v1/pipeline/stages/reorder', { keys: order });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json().data.map((s: Stage) => [s.key, s.position])).toEqual(order.map((k, i) => [k, i]));
    expect(await keys()).toEqual(order);
    expect((await latestAudit()).action).toBe('pipeline_stage.reordered');
  });

  it('needs every key exactly once; nothing changes otherwise', async () => {
    const before = await state();
    const all = await keys();
    const cases: [unknown, string][] = [
      [all.slice(1), 'keys'],
      [[...all, 'new'], `keys.${all.length}`],
      [[...all.slice(0, -1), 'nowhere'], `keys.${all.length - 1}`],
      [[], 'keys'],
      ['new', 'keys'],
    ];
    for (const [value, path] of cases) {
      expectProblem(
        await t.as(ADMIN, 'POST', '/api/v1/pipeline/stages/reorder', { keys: value }),
        400,
        'validation_failed',
        path,
      );
    }
    expect(await state()).toBe(before);
  });
});

describe('deleting a stage', () => {
  it('refuses a stage with leads in it, saying how many', async () => {
    expect((await t.as(ADMIN, 'POST', '/api/v1/pipeline/stages', { name: 'Pilot' })).statusCode).toBe(201);
    for (const name of ['Lead One', 'Lead Two']) {
      const lead = (await t.as('sales1@demo.test', 'POST', '/api/v1/leads', { name })).json();
      const moved = await t.as('sales1@demo.test', 'POST', `/api/v1/leads/${lead.id}/stage`, { stage: 'pilot' });
      expect(moved.statusCode, moved.body).toBe(200);
    }
    const before = await state();
    const refused = expectProblem(await t.as(ADMIN, 'DELETE', '/api/v1/pipeline/stages/pilot'), 422, 'unprocessable');
    expect(refused.detail).toMatch(/^2 leads are in Pilot/);
    expect((refused as unknown as { leadCount: number }).leadCount).toBe(2);
    expect(await state()).toBe(before);
  });

  it('never deletes the last lost stage', async () => {
    const before = await state();
    expectProblem(await t.as(ADMIN, 'DELETE', '/api/v1/pipeline/stages/lost'), 422, 'unprocessable');
    expectProblem(await t.as(ADMIN, 'DELETE', '/api/v1/pipeline/stages/nothing_here'), 404, 'not_found');
    expect(await state()).toBe(before);
  });

  it('deletes an empty stage and closes the gap; a won stage may go while another remains', async () => {
    expect((await t.as(ADMIN, 'DELETE', '/api/v1/pipeline/stages/site_visit')).statusCode).toBe(204);
    expect((await t.as(ADMIN, 'DELETE', '/api/v1/pipeline/stages/renewed')).statusCode).toBe(204);
    const now = await stages();
    expect(now.map((s) => s.key)).toEqual(['new', 'demo', 'proposal', 'trial', 'pilot', 'won', 'lost']);
    expect(now.map((s) => s.position)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect((await latestAudit()).action).toBe('pipeline_stage.deleted');
    expectProblem(await t.as(ADMIN, 'DELETE', '/api/v1/pipeline/stages/won'), 422, 'unprocessable');
  });
});

describe('who may change the pipeline', () => {
  it('answers 403 to every role but ADMIN, and changes nothing', async () => {
    const before = await state();
    for (const who of ['manager1@demo.test', 'sales1@demo.test', 'dev@demo.test']) {
      expectProblem(await t.as(who, 'POST', '/api/v1/pipeline/stages', { name: 'Nope' }), 403, 'forbidden');
      expectProblem(await t.as(who, 'PATCH', '/api/v1/pipeline/stages/demo', { name: 'Nope' }), 403, 'forbidden');
      expectProblem(
        await t.as(who, 'POST', '/api/v1/pipeline/stages/reorder', { keys: await keys() }),
        403,
        'forbidden',
      );
      expectProblem(await t.as(who, 'DELETE', '/api/v1/pipeline/stages/demo'), 403, 'forbidden');
    }
    expect(await state()).toBe(before);
  });

  it("answers 404 to another company's admin for a Demo Co stage, and changes nothing", async () => {
    const created = await t.as(ADMIN, 'POST', '/api/v1/pipeline/stages', { name: 'Negotiation' });
    expect(created.statusCode).toBe(201);
    const before = await state();
    expectProblem(
      await t.as(OTHER, 'PATCH', '/api/v1/pipeline/stages/negotiation', { name: 'Mine' }),
      404,
      'not_found',
    );
    expectProblem(await t.as(OTHER, 'DELETE', '/api/v1/pipeline/stages/negotiation'), 404, 'not_found');
    expect((await stages(OTHER)).map((s) => s.key)).toEqual(['new', 'demo', 'proposal', 'trial', 'won', 'lost']);
    expect(await state()).toBe(before);
  });
});
