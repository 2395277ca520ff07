import type { Tx } from '../../db/client.ts';
import { fieldAccessFor, type LeadRow, toLead } from '../leads/index.ts';

import type { Role } from '../users/index.ts';
import type { RenderContext } from './email.render.ts';

/** The variables a template may use (custom fields add `lead.customFields.<key>`); the composer lists them. */
export const variables: { name: string; label: string; example: string }[] = [
  { name: 'lead.name', label: "Lead's name", example: 'Anita Sharma' },
  { name: 'lead.firstName', label: "Lead's first name", example: 'Anita' },
  { name: 'lead.lastName', label: "Lead's last name", example: 'Sharma' },
  { name: 'lead.companyName', label: "Lead's company", example: 'Shree Balaji Traders' },
  { name: 'lead.email', label: "Lead's first email address", example: 'anita@example.com' },
  { name: 'lead.phone', label: "Lead's first phone number", example: '+919812345678' },
  { name: 'lead.stage', label: 'Pipeline stage', example: 'Proposal' },
  { name: 'lead.product', label: 'Product of interest', example: 'iPerform Pro' },
  { name: 'lead.city', label: 'City', example: 'Pune' },
  { name: 'lead.state', label: 'State', example: 'Maharashtra' },
  { name: 'lead.country', label: 'Country', example: 'India' },
  { name: 'lead.campaign', label: 'Campaign', example: 'Trade Expo Mumbai' },
  { name: 'lead.expectedValue', label: 'Expected value', example: '250000' },
  { name: 'lead.currency', label: 'Currency', example: 'INR' },
  { name: 'owner.name', label: "Lead owner's name", example: 'Rohan Gupta' },
  { name: 'owner.email', label: "Lead owner's email", example: 'rohan@example.com' },
  { name: 'owner.phone', label: "Lead owner's phone (from their email signature settings)", example: '+919800000000' },
  { name: 'company.name', label: 'Your company', example: 'Demo Co' },
  { name: 'sender.name', label: 'Your name', example: 'Rohan Gupta' },
  { name: 'sender.email', label: 'Your email', example: 'rohan@example.com' },
  { name: 'sender.phone', label: 'Your phone (from your email signature settings)', example: '+919800000000' },
];

export interface Sender {
  id: string;
  name: string;
  email: string;
  role: Role;
}

/** Template output is text: lists become "a, b", booleans Yes/No, a missing value an empty string. */
function shown(value: unknown): unknown {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.map(String).join(', ');
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  if (typeof value === 'number' || typeof value === 'string') return value;
  return String(value);
}

async function people(trx: Tx, ids: string[]) {
  const wanted = ids.filter(Boolean);
  if (wanted.length === 0) return new Map<string, { name: string; email: string; phone: string }>();
  const rows = await trx
    .selectFrom('users as u')
    .leftJoin('email_signatures as s', (j) =>
      j.onRef('s.company_id', '=', 'u.company_id').onRef('s.user_id', '=', 'u.id'),
    )
    .select(['u.id', 'u.name', 'u.email', 's.phone'])
    .where('u.id', 'in', wanted)
    .execute();
  return new Map(rows.map((r) => [r.id, { name: r.name, email: r.email, phone: r.phone ?? '' }]));
}

async function companyAndFields(trx: Tx) {
  const [company, fields] = await Promise.all([
    trx.selectFrom('companies').select('name').executeTakeFirstOrThrow(),
    trx.selectFrom('custom_fields').select('key').execute(),
  ]);
  return { companyName: company.name, customKeys: fields.map((f) => f.key) };
}

/**
 * What a template sees of a real lead, through the sender's eyes: a field the sender's role may not read
 * renders empty (the values come from the same DTO every lead response passes), and so does the owner when
 * the role does not see who owns the lead.
 */
export async function leadContext(trx: Tx, lead: LeadRow, sender: Sender): Promise<RenderContext> {
  const access = await fieldAccessFor(trx, sender.role);
  const visible = toLead(lead, access) as Record<string, unknown>;
  const [{ companyName, customKeys }, stage, users] = await Promise.all([
    companyAndFields(trx),
    trx.selectFrom('pipeline_stages').select('name').where('key', '=', lead.stage).executeTakeFirst(),
    people(trx, [sender.id, ...(visible.ownerId ? [String(visible.ownerId)] : [])]),
  ]);
  const custom = (visible.customFields ?? {}) as Record<string, unknown>;
  const [firstName = '', ...rest] = lead.name.trim().split(/\s+/);
  const first = (list: unknown) => (Array.isArray(list) ? (list[0] ?? '') : '');
  const owner = visible.ownerId ? users.get(String(visible.ownerId)) : undefined;
  const me = users.get(sender.id);
  return {
    lead: {
      name: lead.name,
      firstName,
      lastName: rest.join(' '),
      companyName: shown(visible.companyName),
      email: first(visible.emails),
      phone: first(visible.phones),
      stage: stage?.name ?? lead.stage,
      product: shown(visible.product),
      city: shown(visible.city),
      state: shown(visible.state),
      country: shown(visible.country),
      campaign: shown(visible.campaign),
      expectedValue: shown(visible.expectedValue),
      currency: shown(visible.currency),
      customFields: Object.fromEntries(customKeys.map((key) => [key, shown(custom[key])])),
    },
    owner: { name: owner?.name ?? '', email: owner?.email ?? '', phone: owner?.phone ?? '' },
    company: { name: companyName },
    sender: { name: sender.name, email: sender.email, phone: me?.phone ?? '' },
  };
}

/**
 * A lead made of the examples, with every custom field: a template is checked against it when saved, so a
 * typo in a variable is caught then rather than when someone sends it.
 */
export async function sampleContext(trx: Tx, sender: Sender): Promise<RenderContext> {
  const [{ companyName, customKeys }, users] = await Promise.all([companyAndFields(trx), people(trx, [sender.id])]);
  const context: RenderContext = { lead: {}, owner: {}, company: { name: companyName }, sender: {} };
  for (const v of variables) {
    const [group, key] = v.name.split('.') as [string, string];
    if (group !== 'company') (context[group] as Record<string, unknown>)[key] = v.example;
  }
  (context.lead as Record<string, unknown>).customFields = Object.fromEntries(customKeys.map((k) => [k, 'Example']));
  context.sender = { name: sender.name, email: sender.email, phone: users.get(sender.id)?.phone ?? '' };
  return context;
}

/** The variable list with this company's custom fields, for the composer. */
export async function variableCatalogue(trx: Tx) {
  const fields = await trx
    .selectFrom('custom_fields')
    .select(['key', 'label'])
    .where('active', '=', true)
    .orderBy('position')
    .execute();
  return [...variables, ...fields.map((f) => ({ name: `lead.customFields.${f.key}`, label: f.label, example: '' }))];
}
