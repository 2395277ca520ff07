import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';

/**
 * A local stand-in for the Graph API as Lead Ads use it: GET /{leadgen_id} (a lead, shaped like the sample
 * lead_get_response_metadocs.json), GET /{form_id} (its name) and GET /{form_id}/leads (pages shaped like
 * form_leads_bulk_response_metadocs.json, with `paging.cursors.after` and `paging.next` while more remain).
 * It checks `access_token`, answers Graph's error 190 when the token is not the one it accepts, and records
 * every request (the token left out).
 */

const fixtures = resolve(import.meta.dirname, '../fixtures/meta_leadads');
export function metaFixture(name: string): string {
  return readFileSync(resolve(fixtures, name), 'utf8');
}

/** X-Hub-Signature-256 as Meta computes it: the hex HMAC-SHA256 of the exact bytes, keyed by the app secret. */
export function signMeta(body: string | Buffer, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export interface FakeLeadInput {
  formId: string;
  adId?: string;
  /** Answers; the sample's (car_make, full_name, email, selected_dealer) when omitted. */
  fieldData?: { name: string; values: string[] }[];
  /** `created_time` as Graph writes it (`2015-02-28T08:49:14+0000`); the sample's when omitted. */
  createdTime?: string;
  adName?: string;
  adsetName?: string;
  campaignName?: string;
}

export interface GraphRequest {
  path: string;
  query: Record<string, string>;
}

const expired = {
  error: {
    message: 'Error validating access token: Session has expired on Friday, 04-Dec-26 10:00:00 PST.',
    type: 'OAuthException',
    code: 190,
    error_subcode: 463,
    fbtrace_id: 'AkZ3bYk1P9cQ',
  },
};

export class FakeMetaGraph {
  readonly requests: GraphRequest[] = [];
  private readonly leads = new Map<string, Record<string, unknown>>();
  private readonly forms = new Map<string, { name: string; leadIds: string[] }>();
  private server: Server | null = null;
  url = '';
  /** Leads per page of GET /{form_id}/leads. */
  pageSize = 2;
  acceptedToken: string;

  constructor(accessToken: string) {
    this.acceptedToken = accessToken;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>((ok) => this.server?.listen(0, '127.0.0.1', ok));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v21.0`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((ok) => (this.server ? this.server.close(() => ok()) : ok()));
  }

  addForm(formId: string, name: string): void {
    this.forms.set(formId, this.forms.get(formId) ?? { name, leadIds: [] });
  }

  /** A lead Graph knows, built from the sample lead with its placeholders filled; listed on its form too. */
  addLead(leadgenId: string, input: FakeLeadInput): void {
    const sample = metaFixture('lead_get_response_metadocs.json')
      .replaceAll('<LEAD_ID>', leadgenId)
      .replaceAll('<AD_ID>', input.adId ?? '6043002451111')
      .replaceAll('<FORM_ID>', input.formId);
    const lead = JSON.parse(sample) as Record<string, unknown>;
    if (input.fieldData) lead.field_data = input.fieldData;
    if (input.createdTime) lead.created_time = input.createdTime;
    // Graph gives these only when `fields` asks for them (the sample asked for the defaults).
    lead.ad_name = input.adName ?? 'Spring test drive - carousel';
    lead.adset_name = input.adsetName ?? 'Pune 25-45';
    lead.campaign_name = input.campaignName ?? 'Spring Test Drives 2026';
    this.leads.set(leadgenId, lead);
    this.addForm(input.formId, `Form ${input.formId}`);
    this.forms.get(input.formId)?.leadIds.push(leadgenId);
  }

  private send(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://fake');
    const query = Object.fromEntries(url.searchParams);
    const { access_token: token, ...rest } = query;
    const path = url.pathname.replace(/^\/v21\.0/, '');
    this.requests.push({ path, query: rest });
    const [status, body] = this.answer(req.method, token, path, rest);
    this.send(res, status, body);
  }

  private answer(method: string | undefined, token: string | undefined, path: string, query: Record<string, string>) {
    if (method !== 'GET') return [405, { error: { message: 'Unsupported method', code: 100 } }] as const;
    if (token !== this.acceptedToken) return [400, expired] as const;
    const [, id, edge] = path.split('/');
    if (edge === 'leads' && id && this.forms.has(id)) return [200, this.leadsPage(id, query.after)] as const;
    if (!edge && id && this.leads.has(id)) return [200, this.leads.get(id)] as const;
    if (!edge && id && this.forms.has(id)) return [200, { id, name: this.forms.get(id)?.name }] as const;
    const missing = {
      error: {
        message: `Unsupported get request. Object with ID '${id}' does not exist`,
        type: 'GraphMethodException',
        code: 100,
        error_subcode: 33,
        fbtrace_id: 'A1b2C3d4E5',
      },
    };
    return [400, missing] as const;
  }

  /** One page in the shape of the bulk sample: cursors are the base64url of the index, `next` while more remain. */
  private leadsPage(formId: string, after: string | undefined): Record<string, unknown> {
    const ids = this.forms.get(formId)?.leadIds ?? [];
    const start = after ? Number(Buffer.from(after, 'base64url').toString()) : 0;
    const slice = ids.slice(start, start + this.pageSize);
    const end = start + slice.length;
    const page = JSON.parse(metaFixture('form_leads_bulk_response_metadocs.json')) as {
      data: unknown[];
      paging: { cursors: { before: string; after: string }; next?: string };
    };
    page.data = slice.map((id) => this.leads.get(id));
    page.paging.cursors = {
      before: Buffer.from(String(start)).toString('base64url'),
      after: Buffer.from(String(end)).toString('base64url'),
    };
    if (end < ids.length) page.paging.next = `${this.url}/${formId}/leads?after=${page.paging.cursors.after}`;
    return page;
  }
}
