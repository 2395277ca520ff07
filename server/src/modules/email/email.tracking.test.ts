import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeSmtp, startFakeSmtp } from '../../../test/fakes/smtp.ts';
import { createTestApp, expectProblem, type TestApp } from '../../../test/harness.ts';
import { configureSmtp, emailOf, leadWithEmail, sendEmail, trackingPaths } from './email.fixtures.ts';

let t: TestApp;
let smtp: FakeSmtp;
let leadId: string;
const SALES1 = 'sales1@demo.test';
const html =
  '<html><body><p>Hi {{ lead.firstName }},</p>' +
  '<p><a href="https://demo-co.example/pricing?plan=pro&amp;src=mail">Pricing</a></p>' +
  "<p><a class='cta' href='https://demo-co.example/book'>Book a demo</a> <a href=\"#top\">top</a></p></body></html>";

beforeAll(async () => {
  t = await createTestApp();
  smtp = await startFakeSmtp();
  await configureSmtp(t, smtp);
  leadId = (await leadWithEmail(t, SALES1)).id;
});
afterAll(async () => {
  await smtp?.close();
  await t?.close();
});

/** Sends an email to the lead and returns it with the HTML the recipient got. */
async function sendAndDeliver(body: Record<string, unknown> = { subject: 'Pricing for {{ lead.companyName }}', html }) {
  const queued = (await sendEmail(t, SALES1, leadId, body)).json();
  await t.runJobs();
  const mail = smtp.received.find((m) => m.mail.messageId === queued.messageId);
  if (!mail) throw new Error('not delivered');
  return { id: queued.id as string, html: String(mail.mail.html) };
}

const hit = (path: string) => t.app.inject({ method: 'GET', url: path, headers: { 'user-agent': 'Mail/1.0' } });

describe('open and click tracking', () => {
  it('rewrites each web link and adds a pixel; opens and clicks are counted and shown on the timeline', async () => {
    const { id, html: wire } = await sendAndDeliver();
    const { clicks, opens } = trackingPaths(wire);
    expect(clicks).toHaveLength(2);
    expect(opens).toHaveLength(1);
    expect(wire).toContain('href="#top"');
    expect(wire).toMatch(/<img src="[^"]+\/t\/o\/[^"]+"[^>]*><\/body>/);
    expect((await emailOf(t, SALES1, id)).links).toEqual([
      { url: 'https://demo-co.example/pricing?plan=pro&src=mail', clicks: 0 },
      { url: 'https://demo-co.example/book', clicks: 0 },
    ]);

    t.clock.advance(3_600_000);
    const pixel = await hit(opens[0] as string);
    expect(pixel.statusCode).toBe(200);
    expect(pixel.headers['content-type']).toBe('image/gif');
    expect(String(pixel.headers['cache-control'])).toContain('no-store');
    expect(pixel.rawPayload.subarray(0, 6).toString()).toBe('GIF89a');
    const openedAt = t.clock.now().toISOString();

    t.clock.advance(60_000);
    const click = await hit(clicks[1] as string);
    expect(click.statusCode).toBe(302);
    expect(click.headers.location).toBe('https://demo-co.example/book');
    expect(click.headers['cache-control']).toContain('no-store');
    t.clock.advance(60_000);
    expect((await hit(clicks[0] as string)).headers.location).toBe('https://demo-co.example/pricing?plan=pro&src=mail');
    await hit(opens[0] as string);

    const tracked = await emailOf(t, SALES1, id);
    expect(tracked).toMatchObject({
      opens: { count: 2, firstAt: openedAt, lastAt: t.clock.now().toISOString() },
      clicks: { count: 2 },
      links: [
        { url: 'https://demo-co.example/pricing?plan=pro&src=mail', clicks: 1 },
        { url: 'https://demo-co.example/book', clicks: 1 },
      ],
    });

    const timeline = (await t.as(SALES1, 'GET', `/api/v1/leads/${leadId}/timeline?kinds=email,email_event`)).json()
      .data;
    expect(timeline.map((e: { kind: string }) => e.kind)).toEqual([
      'email_event',
      'email_event',
      'email_event',
      'email',
    ]);
    expect(timeline[0]).toMatchObject({
      actor: null,
      email_event: { event: 'clicked', messageId: id, url: 'https://demo-co.example/pricing?plan=pro&src=mail' },
    });
    expect(timeline[2]).toMatchObject({
      at: openedAt,
      email_event: { event: 'opened', subject: 'Pricing for Shree Balaji Traders' },
    });
    expect(timeline[3].email).toMatchObject({ opens: 2, clicks: 2, firstOpenedAt: openedAt });
  });

  it('answers 404 to a forged, altered or misused token, and never redirects anywhere else', async () => {
    const { html: wire } = await sendAndDeliver();
    const { clicks, opens } = trackingPaths(wire);
    const click = clicks[0] as string;
    const token = click.split('/').at(-1) as string;
    const flip = (text: string, at: number) => text.slice(0, at) + (text[at] === 'A' ? 'B' : 'A') + text.slice(at + 1);
    const forged = [
      `/api/v1/t/c/${flip(token, 40)}`, // the message id
      `/api/v1/t/c/${flip(token, 47)}`, // the link position
      `/api/v1/t/c/${flip(token, 60)}`, // the signature
      `/api/v1/t/c/${token.slice(0, 69)}`,
      `/api/v1/t/c/${'A'.repeat(70)}`,
      '/api/v1/t/c/https%3A%2F%2Fevil.example',
      `/api/v1/t/o/${token}`, // a click token is not an open token
      (opens[0] as string).replace('/t/o/', '/t/c/'),
    ];
    for (const path of forged) {
      const response = await hit(path);
      expectProblem(response, 404, 'not_found');
      expect(response.headers.location).toBeUndefined();
    }
    expect((await hit(click)).statusCode).toBe(302);
  });

  it('follows the company opt-out: no pixel and links left as written', async () => {
    await configureSmtp(t, smtp, { trackOpens: false, trackClicks: false });
    const { id, html: wire } = await sendAndDeliver();
    expect(trackingPaths(wire)).toEqual({ clicks: [], opens: [] });
    expect(wire).toContain('href="https://demo-co.example/pricing?plan=pro&amp;src=mail"');
    expect((await emailOf(t, SALES1, id)).tracking).toEqual({ opens: false, clicks: false });

    await configureSmtp(t, smtp, { trackOpens: true, trackClicks: false });
    const opensOnly = await sendAndDeliver();
    expect(trackingPaths(opensOnly.html)).toMatchObject({ clicks: [], opens: [expect.any(String)] });
  });

  it('points the links at PUBLIC_URL when it is set', async () => {
    const other = await createTestApp({ publicUrl: 'https://crm.example.com' });
    try {
      await configureSmtp(other, smtp);
      const lead = await leadWithEmail(other, SALES1);
      const queued = (await sendEmail(other, SALES1, lead.id, { subject: 'Hi', html })).json();
      await other.runJobs();
      const mail = smtp.received.find((m) => m.mail.messageId === queued.messageId);
      expect(String(mail?.mail.html)).toMatch(/href="https:\/\/crm\.example\.com\/api\/v1\/t\/c\/[A-Za-z0-9_-]{70}"/);
    } finally {
      await other.close();
    }
  });
});
