import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeSmtp, type ReceivedMail, startFakeSmtp } from '../../../test/fakes/smtp.ts';
import { createTestApp, expectProblem, type TestApp, userId } from '../../../test/harness.ts';
import { withTenant } from '../../db/client.ts';
import { configureSmtp } from '../email/email.fixtures.ts';

/**
 * Scheduled reports over real SMTP: each recipient gets the report as they themselves may see it (rows equal to
 * POST /reports/run as that person), attached with a link, at the schedule's time on the company's clock.
 */
let t: TestApp;
let smtp: FakeSmtp;
const ADMIN = 'admin@demo.test';
const MANAGER = 'manager1@demo.test';
const SALES = 'sales1@demo.test';
const OTHER = 'admin@other.test';
const ids: Record<string, string> = {};
// Wednesday 9 January 2030, 12:00 in Kolkata (Demo Co's zone): far from the demo data's dates.
const WEDNESDAY = new Date('2030-01-09T06:30:00.000Z');
const REPORT = 'team.per-salesperson';

async function drainJobs() {
  for (let i = 0; i < 100; i++) if ((await t.runJobs()).claimed === 0) return;
  throw new Error('jobs kept coming');
}

async function lead(who: string, body: Record<string, unknown>) {
  const response = await t.as(who, 'POST', '/api/v1/leads', body);
  expect(response.statusCode, response.body).toBe(201);
}

async function schedules(who = ADMIN) {
  const response = await t.as(who, 'GET', '/api/v1/report-schedules');
  expect(response.statusCode, response.body).toBe(200);
  return response.json().data as { id: string; name: string }[];
}

beforeAll(async () => {
  t = await createTestApp();
  t.clock.set(WEDNESDAY);
  // The demo's own jobs (reminders, nightly housekeeping) run now, before there is an email server to send with.
  await drainJobs();
  smtp = await startFakeSmtp();
  await configureSmtp(t, smtp);
  for (const key of ['manager1', 'sales1', 'sales2', 'sales3', 'partner'])
    ids[key] = await userId(t, `${key}@demo.test`);
  // This week: two leads of Rohan (sales1), three of Sneha (sales2), both in Vikram's (manager1) team.
  await lead(SALES, { name: 'Schedule Lead A', expectedValue: 1000 });
  await lead(SALES, { name: 'Schedule Lead B', expectedValue: 2000 });
  for (const name of ['Schedule Lead C', 'Schedule Lead D', 'Schedule Lead E']) {
    await lead(MANAGER, { name, ownerId: ids.sales2, expectedValue: 5000 });
  }
});
afterAll(async () => {
  await smtp?.close();
  await t?.close();
});

/** RFC 4180 as our export writes it (a BOM first, CRLF, quotes doubled). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const body = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < body.length; i++) {
    const c = body[i] as string;
    if (quoted) {
      if (c === '"' && body[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && body[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  return rows;
}

interface Run {
  columns: { key: string; label: string; role: string }[];
  rows: { values: Record<string, string | number | null>; labels: Record<string, string> }[];
  totals: Record<string, number | null>;
}

/** What POST /reports/run answers the person, as the rows of a CSV (header first). */
async function runAs(who: string, body: Record<string, unknown>) {
  const response = await t.as(who, 'POST', '/api/v1/reports/run', body);
  expect(response.statusCode, response.body).toBe(200);
  const run = response.json() as Run;
  const table = [
    run.columns.map((c) => c.label),
    ...run.rows.map((r) =>
      run.columns.map((c) =>
        c.role === 'dimension' ? (r.labels[c.key] ?? String(r.values[c.key] ?? '')) : String(r.values[c.key] ?? ''),
      ),
    ),
  ];
  return { run, table };
}

const mailTo = (subject: string, email: string) =>
  smtp.received.filter((m) => m.to.includes(email) && String(m.mail.subject).startsWith(subject));

function attachment(mail: ReceivedMail | undefined) {
  expect(mail?.mail.attachments).toHaveLength(1);
  return mail?.mail.attachments[0] as { filename?: string; contentType: string; content: Buffer };
}

describe('a weekly schedule to a manager and a salesperson', () => {
  it('sends each the report as they may see it, attached with a link, on Monday 08:00 of the company', async () => {
    const created = await t.as(MANAGER, 'POST', '/api/v1/report-schedules', {
      name: 'Weekly team',
      report: REPORT,
      frequency: 'weekly',
      at: '08:00',
      weekday: 1,
      recipients: [ids.manager1, ids.sales1],
    });
    expect(created.statusCode, created.body).toBe(201);
    const schedule = created.json();
    expect(schedule).toMatchObject({
      name: 'Weekly team',
      report: REPORT,
      reportName: 'Per salesperson',
      frequency: 'weekly',
      at: '08:00',
      weekday: 1,
      dayOfMonth: null,
      timeZone: 'Asia/Kolkata',
      range: 'lastWeek',
      format: 'csv',
      active: true,
      recipients: [
        { id: ids.manager1, name: 'Vikram Mehta', active: true },
        { id: ids.sales1, name: 'Rohan Gupta', active: true },
      ],
      // Monday 14 January 2030, 08:00 in Kolkata.
      nextRunAt: '2030-01-14T02:30:00.000Z',
      lastRunAt: null,
      lastError: null,
      ownerId: ids.manager1,
      editable: true,
    });

    // Not before its time.
    t.clock.set(new Date('2030-01-14T02:29:00.000Z'));
    await drainJobs();
    expect(mailTo('Weekly team', MANAGER)).toHaveLength(0);

    t.clock.set(new Date('2030-01-14T02:30:00.000Z'));
    await drainJobs();
    const window = { from: '2030-01-07', to: '2030-01-13' };
    const tables: Record<string, string[][]> = {};
    for (const who of [MANAGER, SALES]) {
      const mails = mailTo('Weekly team', who);
      expect(mails, who).toHaveLength(1);
      const mail = mails[0];
      expect(mail?.mail.subject).toBe('Weekly team: Per salesperson (2030-01-07 to 2030-01-13)');
      const file = attachment(mail);
      expect(file.filename).toBe(`${REPORT}-2030-01-07-2030-01-13.csv`);
      expect(file.contentType).toBe('text/csv');
      const { table } = await runAs(who, { report: REPORT, ...window });
      tables[who] = parseCsv(file.content.toString('utf8'));
      expect(tables[who], who).toEqual(table);
      const link = `http://localhost:80/reports/${REPORT}?from=2030-01-07&to=2030-01-13`;
      expect(mail?.mail.text).toContain(`Open it in iPerform: ${link}`);
      expect(String(mail?.mail.html)).toContain(`<a href="${link.replace('&', '&amp;')}">`);
    }
    // The manager sees its team (Rohan's 2 leads and Sneha's 3); Rohan only his own.
    const owners = (table: string[][] | undefined) => table?.slice(1).map((r) => [r[0], r[1]]);
    expect(owners(tables[MANAGER])).toEqual(
      expect.arrayContaining([
        ['Rohan Gupta', '2'],
        ['Sneha Patil', '3'],
      ]),
    );
    expect(owners(tables[SALES])).toEqual([['Rohan Gupta', '2']]);
    expect(mailTo('Weekly team', MANAGER)[0]?.mail.text).toContain('Leads: 5');
    expect(mailTo('Weekly team', SALES)[0]?.mail.text).toContain('Leads: 2');

    const after = (await t.as(MANAGER, 'GET', `/api/v1/report-schedules/${schedule.id}`)).json();
    expect(after).toMatchObject({
      lastRunAt: '2030-01-14T02:30:00.000Z',
      lastError: null,
      nextRunAt: '2030-01-21T02:30:00.000Z',
    });
    // Sent once: running the jobs again (and later that day) sends nothing more.
    t.clock.advance(3 * 3_600_000);
    await drainJobs();
    expect(mailTo('Weekly team', MANAGER)).toHaveLength(1);
    expect(mailTo('Weekly team', SALES)).toHaveLength(1);
    // The sent file is not kept beside the message.
    const company = (await t.as(ADMIN, 'GET', '/api/v1/auth/me')).json().company.id as string;
    const kept = await withTenant(t.dbs.app, company, (trx) =>
      trx.selectFrom('email_attachments').select('message_id').execute(),
    );
    expect(kept).toEqual([]);
  });

  it('skips a recipient who may no longer run the report, and says so; the others still get theirs', async () => {
    const person = await t.as(ADMIN, 'POST', '/api/v1/users', {
      email: 'schedule.reader@demo.test',
      name: 'Tara Sen',
      role: 'SALESPERSON',
      managerId: ids.manager1,
      password: 'correct-horse-battery-staple',
    });
    expect(person.statusCode, person.body).toBe(201);
    const tara = person.json().id as string;
    const created = await t.as(MANAGER, 'POST', '/api/v1/report-schedules', {
      name: 'Daily stages',
      report: 'pipeline.deals-by-stage',
      frequency: 'daily',
      at: '09:30',
      recipients: [tara, ids.manager1],
      format: 'xlsx',
    });
    expect(created.statusCode, created.body).toBe(201);
    const schedule = created.json();
    // A report about the present keeps its own window.
    expect(schedule.range).toBe('all');
    const demoted = await t.as(ADMIN, 'PATCH', `/api/v1/users/${tara}`, { role: 'GUEST' });
    expect(demoted.statusCode, demoted.body).toBe(200);

    const sent = await t.as(MANAGER, 'POST', `/api/v1/report-schedules/${schedule.id}/send-now`);
    expect(sent.statusCode, sent.body).toBe(202);
    const { deliveries, schedule: after } = sent.json();
    expect(deliveries).toEqual([
      { userId: tara, name: 'Tara Sen', status: 'skipped', messageId: null, reason: expect.stringContaining('GUEST') },
      { userId: ids.manager1, name: 'Vikram Mehta', status: 'queued', messageId: expect.any(String), reason: null },
    ]);
    expect(after.lastError).toMatch(/^Not sent to Tara Sen may no longer read reports/);
    expect(after.nextRunAt).toBe(schedule.nextRunAt);
    await drainJobs();
    expect(mailTo('Daily stages', 'schedule.reader@demo.test')).toHaveLength(0);
    const [mail] = mailTo('Daily stages', MANAGER);
    const file = attachment(mail);
    expect(file.filename).toBe('pipeline.deals-by-stage-all-time.xlsx');
    expect(file.contentType).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(file.content as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0];
    const cells: string[][] = [];
    sheet?.eachRow((row) => {
      cells.push((row.values as unknown[]).slice(1).map((v) => String(v ?? '')));
    });
    const { table } = await runAs(MANAGER, { report: 'pipeline.deals-by-stage' });
    expect(cells).toEqual(table);
    const audit = (await t.as(ADMIN, 'GET', `/api/v1/audit?entityId=${schedule.id}`)).json().data;
    expect(audit.map((a: { action: string }) => a.action).sort()).toEqual([
      'report_schedule.created',
      'report_schedule.sent',
    ]);
  });
});

describe('timing', () => {
  it('keeps the time of day on the company’s clock across daylight saving (Other Co, New York)', async () => {
    t.clock.set(new Date('2030-03-04T12:00:00.000Z')); // Monday 07:00 in New York (EST)
    const created = await t.as(OTHER, 'POST', '/api/v1/report-schedules', {
      name: 'Monday pipeline',
      report: 'pipeline.deals-by-stage',
      frequency: 'weekly',
      at: '08:00',
      weekday: 1,
      recipients: [await userId(t, OTHER)],
    });
    expect(created.statusCode, created.body).toBe(201);
    const schedule = created.json();
    expect(schedule).toMatchObject({ timeZone: 'America/New_York', nextRunAt: '2030-03-04T13:00:00.000Z' });
    t.clock.set(new Date('2030-03-04T13:00:00.000Z'));
    await drainJobs();
    // Daylight saving starts on 10 March: the next Monday 08:00 is 12:00 UTC, 167 hours later.
    const after = (await t.as(OTHER, 'GET', `/api/v1/report-schedules/${schedule.id}`)).json();
    expect(after).toMatchObject({ lastRunAt: '2030-03-04T13:00:00.000Z', nextRunAt: '2030-03-11T12:00:00.000Z' });
    // The company has no email server: the run is recorded, and says so.
    expect(after.lastError).toContain('no outgoing email server');

    const monthly = await t.as(OTHER, 'PATCH', `/api/v1/report-schedules/${schedule.id}`, {
      frequency: 'monthly',
      dayOfMonth: 28,
      at: '23:45',
    });
    expect(monthly.statusCode, monthly.body).toBe(200);
    expect(monthly.json()).toMatchObject({ weekday: null, dayOfMonth: 28, nextRunAt: '2030-03-29T03:45:00.000Z' });
  });
});

describe('who may schedule what', () => {
  it('refuses GUEST (403), and shows a schedule to its owner and the admins only', async () => {
    expectProblem(await t.as('guest@demo.test', 'GET', '/api/v1/report-schedules'), 403, 'forbidden');
    const body = { name: 'x', report: REPORT, frequency: 'daily', at: '08:00', recipients: [ids.sales1] };
    expectProblem(await t.as('guest@demo.test', 'POST', '/api/v1/report-schedules', body), 403, 'forbidden');
    const mine = await schedules(MANAGER);
    expect(mine.map((s) => s.name)).toEqual(['Daily stages', 'Weekly team']);
    expect(await schedules(SALES)).toEqual([]);
    expect((await schedules(ADMIN)).map((s) => s.name)).toEqual(['Daily stages', 'Weekly team']);
    const id = mine[1]?.id as string;
    expectProblem(await t.as(SALES, 'GET', `/api/v1/report-schedules/${id}`), 404, 'not_found');
    expectProblem(await t.as(SALES, 'PATCH', `/api/v1/report-schedules/${id}`, { name: 'Mine' }), 404, 'not_found');
    const renamed = await t.as(ADMIN, 'PATCH', `/api/v1/report-schedules/${id}`, { name: 'Weekly team (admin)' });
    expect(renamed.statusCode, renamed.body).toBe(200);
    expect(renamed.json()).toMatchObject({ name: 'Weekly team (admin)', editable: true, ownerName: 'Vikram Mehta' });
  });

  it('answers another company 404 on every id route, and changes nothing', async () => {
    const [schedule] = await schedules(MANAGER);
    const id = schedule?.id as string;
    const before = (await t.as(MANAGER, 'GET', `/api/v1/report-schedules/${id}`)).json();
    expectProblem(await t.as(OTHER, 'GET', `/api/v1/report-schedules/${id}`), 404, 'not_found');
    expectProblem(await t.as(OTHER, 'PATCH', `/api/v1/report-schedules/${id}`, { name: 'Taken' }), 404, 'not_found');
    expectProblem(await t.as(OTHER, 'POST', `/api/v1/report-schedules/${id}/send-now`), 404, 'not_found');
    expectProblem(await t.as(OTHER, 'DELETE', `/api/v1/report-schedules/${id}`), 404, 'not_found');
    expect((await t.as(MANAGER, 'GET', `/api/v1/report-schedules/${id}`)).json()).toEqual(before);
    expect((await schedules(OTHER)).map((s) => s.name)).toEqual(['Monday pipeline']);
  });

  it('takes only recipients the owner may see (404 naming recipients.N) who may run the report (422)', async () => {
    const count = (await schedules()).length;
    const base = { name: 'Team', report: REPORT, frequency: 'daily', at: '08:00' };
    // Arjun (sales3) is in Ananya's team, not Vikram's.
    expectProblem(
      await t.as(MANAGER, 'POST', '/api/v1/report-schedules', { ...base, recipients: [ids.sales1, ids.sales3] }),
      404,
      'not_found',
      'recipients.1',
    );
    const otherAdmin = await userId(t, OTHER);
    expectProblem(
      await t.as(MANAGER, 'POST', '/api/v1/report-schedules', { ...base, recipients: [otherAdmin] }),
      404,
      'not_found',
      'recipients.0',
    );
    // A partner may not see owners: a report by owner is not one it may run.
    expectProblem(
      await t.as(ADMIN, 'POST', '/api/v1/report-schedules', { ...base, recipients: [ids.manager1, ids.partner] }),
      422,
      'unprocessable',
      'recipients.1',
    );
    expect((await schedules()).length).toBe(count);
  });

  it('refuses bad input naming the field, and saves nothing', async () => {
    const count = (await schedules()).length;
    const [existing] = await schedules(MANAGER);
    const before = (await t.as(MANAGER, 'GET', `/api/v1/report-schedules/${existing?.id}`)).json();
    const base = {
      name: 'Bad',
      report: REPORT,
      frequency: 'weekly',
      at: '08:00',
      weekday: 1,
      recipients: [ids.sales1],
    };
    const cases: [Record<string, unknown>, string][] = [
      [{ ...base, at: '25:00' }, 'at'],
      [{ ...base, at: '8am' }, 'at'],
      [{ ...base, weekday: 9 }, 'weekday'],
      [{ ...base, weekday: undefined }, 'weekday'],
      [{ ...base, frequency: 'daily' }, 'weekday'],
      [{ ...base, frequency: 'monthly', weekday: undefined, dayOfMonth: 31 }, 'dayOfMonth'],
      [{ ...base, frequency: 'monthly', weekday: undefined }, 'dayOfMonth'],
      [{ ...base, frequency: 'hourly' }, 'frequency'],
      [{ ...base, report: 'pipeline.no-such-report' }, 'report'],
      [{ ...base, report: '01900000-0000-7000-8000-000000000000' }, 'report'],
      [{ ...base, range: 'nextCentury' }, 'range'],
      [{ ...base, recipients: [] }, 'recipients'],
      [{ ...base, recipients: [ids.sales1, ids.sales1] }, 'recipients.1'],
      [{ ...base, recipients: ['not-a-uuid'] }, 'recipients.0'],
      [{ ...base, name: '   ' }, 'name'],
      [{ ...base, format: 'pdf' }, 'format'],
      [{ ...base, ownerId: ids.sales1 }, 'ownerId'],
    ];
    for (const [body, path] of cases) {
      expectProblem(await t.as(MANAGER, 'POST', '/api/v1/report-schedules', body), 400, 'validation_failed', path);
    }
    const patches: [Record<string, unknown>, string][] = [
      [{ at: '24:00' }, 'at'],
      [{ weekday: 0 }, 'weekday'],
      [{ frequency: 'monthly' }, 'dayOfMonth'],
      [{ report: 'nope' }, 'report'],
      [{}, '(body)'],
    ];
    for (const [body, path] of patches) {
      const response = await t.as(MANAGER, 'PATCH', `/api/v1/report-schedules/${existing?.id}`, body);
      expect(response.statusCode, response.body).toBe(400);
      if (path !== '(body)') expectProblem(response, 400, 'validation_failed', path);
    }
    expect((await schedules()).length).toBe(count);
    expect((await t.as(MANAGER, 'GET', `/api/v1/report-schedules/${existing?.id}`)).json()).toEqual(before);
  });

  it('deletes a schedule (its owner), after which its job sends nothing', async () => {
    const [schedule] = await schedules(MANAGER);
    const id = schedule?.id as string;
    expect((await t.as(MANAGER, 'DELETE', `/api/v1/report-schedules/${id}`)).statusCode).toBe(204);
    expectProblem(await t.as(MANAGER, 'GET', `/api/v1/report-schedules/${id}`), 404, 'not_found');
    const sent = smtp.received.length;
    t.clock.advance(40 * 86_400_000);
    await drainJobs();
    const names = (await schedules(MANAGER)).map((s) => s.name);
    expect(names).toEqual(['Weekly team (admin)']);
    // Only the remaining schedule ran (weekly, to two people, several weeks at once: once).
    expect(smtp.received.slice(sent).every((m) => String(m.mail.subject).startsWith('Weekly team'))).toBe(true);
  });
});
