import type { CustomerStatus, Dimension } from './customer-value.queries';

/** Plain words and colours for the churn labels, the same on the page and on the lead. */
export const statusLabels: Record<CustomerStatus, string> = {
  active: 'Active',
  cooling: 'Cooling',
  at_risk: 'At risk',
  lapsed: 'Lapsed',
  no_purchases: 'No purchases yet',
};

export const statusColors: Record<CustomerStatus, string> = {
  active: 'teal',
  cooling: 'yellow',
  at_risk: 'orange',
  lapsed: 'red',
  no_purchases: 'gray',
};

export const dimensionLabels: Record<Dimension, string> = {
  source: 'Source',
  campaign: 'Campaign',
  owner: 'Owner',
  partner: 'Partner',
};

/** "12%" for a probability; "—" when there is none. */
export function formatRisk(risk: number | null | undefined): string {
  if (risk === null || risk === undefined) return '—';
  return `${Math.round(risk * 100)}%`;
}

/** Chart rows from the by-dimension rows: the bars name the group and carry the two amounts. */
export function chartRows(
  rows: readonly { label: string; revenueToDate: number | null; expected12m: number | null }[],
  limit = 12,
) {
  return rows.slice(0, limit).map((r) => ({
    label: r.label,
    revenue: r.revenueToDate ?? 0,
    expected: r.expected12m ?? 0,
  }));
}
