import { formatDay, formatMoney, formatNumber } from '../../lib/format';
import type { CustomFieldDef } from '../leads/customFields.queries';
import { isEmptyValue, sourceLabel } from '../leads/fields';
import type { Lead } from '../leads/leads.types';
import { type Stage, stageName } from '../leads/stages';

export interface DisplayContext {
  stages: readonly Stage[];
  currency: string;
  locale: string;
}

/** A letter per lead ("A", "B"...), so leads with the same name can still be told apart on the screen. */
export function letterOf(index: number): string {
  return String.fromCharCode(65 + (index % 26));
}

/**
 * A field's value as the person reads it. `from` is the lead the value belongs to (for names of people and the
 * amount's currency); `values` overrides it for the preview, which mixes several leads.
 */
export function displayValue(
  key: string,
  value: unknown,
  ctx: DisplayContext,
  from: { ownerName?: string | null; partnerName?: string | null; currency?: string | null },
  custom?: CustomFieldDef,
): string | null {
  if (isEmptyValue(value)) return null;
  switch (key) {
    case 'stage':
      return stageName(ctx.stages, String(value));
    case 'ownerId':
      return from.ownerName ?? 'Someone you cannot see';
    case 'partnerId':
      return from.partnerName ?? 'A partner';
    case 'source':
      return sourceLabel(String(value));
    case 'expectedValue':
      return typeof value === 'number' ? formatMoney(value, from.currency ?? ctx.currency) : String(value);
    case 'expectedCloseDate':
      return formatDay(String(value));
  }
  if (Array.isArray(value)) return value.join(', ');
  if (custom?.type === 'boolean' || typeof value === 'boolean') return value ? 'Yes' : 'No';
  if (custom?.type === 'date') return formatDay(String(value));
  if (typeof value === 'number') return formatNumber(value);
  return String(value);
}

/** One line that identifies a lead among look-alikes: its company, owner and when it came in. */
export function leadSubtitle(lead: Lead): string {
  return [lead.companyName, lead.ownerName ? `Owner ${lead.ownerName}` : null].filter(Boolean).join(' · ');
}
