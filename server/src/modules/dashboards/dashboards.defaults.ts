import { type Role, roles } from '../users/index.ts';
import { TARGETS_TILE } from './dashboards.schemas.ts';

/**
 * The default dashboard of each role: code, not rows. Each tile names a pre-built report (or the targets tile);
 * the caller gets only the tiles whose report its role may run. Its id is `default`; copying it makes a dashboard
 * of one's own.
 */
export const DEFAULT_ID = 'default';

export interface DefaultTile {
  report: string;
  title: string;
  width: 1 | 2 | 3;
}

interface DefaultDashboard {
  name: string;
  tiles: DefaultTile[];
}

const tile = (report: string, title: string, width: 1 | 2 | 3 = 1): DefaultTile => ({ report, title, width });

const dealsAndNewLeads: DefaultDashboard = {
  name: 'Overview',
  tiles: [
    tile('pipeline.deals-by-stage', 'Deals by stage', 2),
    tile('pipeline.new-leads-by-month', 'New leads by month'),
  ],
};

export const defaultDashboards: Record<Role, DefaultDashboard | null> = {
  MANAGER: {
    name: 'Team dashboard',
    tiles: [
      tile('pipeline.deals-by-stage', 'Team pipeline', 2),
      tile('pipeline.funnel', 'Funnel'),
      tile('team.leaderboard-month', 'Leaderboard: this month', 2),
      tile(TARGETS_TILE, 'Targets'),
      tile('insights.forecast-vs-actual', 'Team forecast against actual', 2),
      tile('response.sla-breaches', 'SLA breaches'),
      tile('activities.overdue-by-user', 'Overdue follow-ups of the team', 2),
      tile('pipeline.at-risk-by-reason', 'Why leads are at risk'),
      tile('pipeline.at-risk-by-owner', 'At-risk leads of the team', 2),
      tile('conversion.open-by-score-tier', 'Open leads by score tier'),
      tile('conversion.win-rate-by-score-tier', 'Win rate by score tier', 2),
      tile('insights.customer-value-by-owner', 'Customer value of the team'),
    ],
  },
  SALESPERSON: {
    name: 'My dashboard',
    tiles: [
      tile('pipeline.deals-by-stage', 'My pipeline', 2),
      tile(TARGETS_TILE, 'My target'),
      tile('activities.follow-ups-by-user', 'My follow-ups', 2),
      tile('response.speed-to-lead-by-owner', 'My speed to lead'),
    ],
  },
  WARRIOR: {
    name: 'My dashboard',
    tiles: [
      tile('activities.follow-ups-by-user', 'My follow-ups', 2),
      tile('activities.calls-by-user', 'My calls'),
      tile('pipeline.deals-by-stage', 'My leads by stage', 3),
    ],
  },
  ADMIN: {
    name: 'Company dashboard',
    tiles: [
      tile('pipeline.deals-by-stage', 'Deals by stage', 2),
      tile('pipeline.funnel', 'Funnel'),
      tile('pipeline.won-lost-by-month', 'Won and lost by month', 2),
      tile('team.leaderboard-month', 'Leaderboard: this month'),
      tile('insights.forecast-vs-actual', 'Forecast against actual', 2),
      tile('pipeline.at-risk-by-reason', 'At-risk leads by reason'),
      tile('data-quality.missing-fields', 'Leads missing key fields', 2),
      tile('data-quality.stale-leads', 'Stale leads'),
      tile('data-quality.unassigned', 'Unassigned leads'),
      tile('conversion.open-by-score-tier', 'Open leads by score tier'),
      tile('conversion.score-distribution', 'Score distribution'),
      tile('pipeline.at-risk-by-owner', 'At-risk leads by owner', 2),
      tile('support.satisfaction-by-month', 'Customer satisfaction'),
      tile('conversion.win-rate-by-score-tier', 'Win rate by score tier', 2),
      tile('insights.customer-value-by-source', 'Customer value by source'),
      tile('insights.recommendation-outcomes', 'Recommendation outcomes', 3),
    ],
  },
  PARTNER: {
    name: 'Our leads',
    tiles: [
      tile('pipeline.deals-by-stage', 'Our leads by stage', 2),
      tile('pipeline.new-leads-by-month', 'New leads by month'),
      tile('conversion.by-source', 'Conversion by source', 3),
    ],
  },
  CUSTOMER_SUCCESS: {
    name: 'Customer success',
    tiles: [
      tile('pipeline.won-lost-by-month', 'Won customers by month', 2),
      tile('conversion.by-product', 'Won by product'),
      tile('support.backlog-by-assignee', 'Ticket backlog by assignee', 2),
      tile('support.sla-breaches-by-month', 'Ticket SLA breaches'),
      tile('support.satisfaction-by-month', 'Customer satisfaction', 2),
      tile('support.satisfaction-by-assignee', 'Satisfaction by assignee'),
    ],
  },
  DEV: dealsAndNewLeads,
  INTEGRATION: dealsAndNewLeads,
  COSALES: dealsAndNewLeads,
  GUEST: null,
};

/** A default tile's id: stable per role and position, so the UI keeps its place across reloads. */
export function defaultTileId(role: Role, index: number): string {
  const digits = (n: number) => String(n).padStart(6, '0');
  return `00000000-0000-4000-8000-${digits(roles.indexOf(role))}${digits(index)}`;
}
