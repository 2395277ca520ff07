/**
 * The pre-built reports: each one a question to the semantic layer (subject, measures, groupings, filters, time
 * field) with a default window and chart. docs/reports.md lists them from this table (`npm run reports-doc -w
 * server`, drift-checked).
 */
import type { Chart, Definition } from './semantic.ts';

export const reportGroups = {
  pipeline: 'Pipeline and funnel',
  conversion: 'Conversion and sources',
  team: 'Team',
  activities: 'Activities',
  response: 'Response and SLA',
  forecast: 'Forecast',
  insights: 'Insights',
  support: 'Support',
  'data-quality': 'Data quality',
} as const;
export type ReportGroup = keyof typeof reportGroups;

export const rangePresets = [
  'today',
  'yesterday',
  'thisWeek',
  'lastWeek',
  'thisMonth',
  'lastMonth',
  'thisQuarter',
  'thisYear',
  'last30Days',
  'last90Days',
  'last12Months',
  'nextQuarter',
  'all',
] as const;
export type RangePreset = (typeof rangePresets)[number];

export interface PrebuiltReport {
  key: string;
  name: string;
  group: ReportGroup;
  description: string;
  definition: Definition & { chart: Chart };
  range: RangePreset;
}

type Options = Partial<Pick<Definition, 'filters' | 'timeField'>> & { range?: RangePreset };

function report(
  group: ReportGroup,
  key: string,
  name: string,
  description: string,
  q: { subject: string; measures: string[]; groupBy?: string[]; chart: Chart } & Options,
): PrebuiltReport {
  const { range = 'last12Months', subject, measures, groupBy = [], chart, filters, timeField } = q;
  return {
    key: `${group}.${key}`,
    name,
    group,
    description,
    range,
    definition: {
      subject,
      measures,
      groupBy,
      chart,
      ...(filters ? { filters } : {}),
      ...(timeField ? { timeField } : {}),
    },
  };
}

const won = ['wonLeads', 'wonValue', 'winRate'];
const leaderboard = (key: string, name: string, range: RangePreset) =>
  report('team', key, name, `Won value and count per owner, ${name.toLowerCase().replace('leaderboard: ', '')}`, {
    subject: 'leads',
    measures: ['wonValue', 'wonLeads', 'lostLeads', 'winRate'],
    groupBy: ['ownerId'],
    timeField: 'stageChangedAt',
    range,
    chart: 'bar',
  });
const conversionBy = (dim: string, label: string) =>
  report(
    'conversion',
    `by-${dim.replace(/Id$/, '').toLowerCase()}`,
    `Conversion by ${label}`,
    `Leads created, won and win rate per ${label}`,
    {
      subject: 'leads',
      measures: ['leads', 'wonLeads', 'lostLeads', 'winRate', 'conversionRate', 'wonValue'],
      groupBy: [dim],
      chart: 'bar',
    },
  );

export const prebuiltReports: PrebuiltReport[] = [
  // Pipeline and funnel
  report('pipeline', 'deals-by-stage', 'Deals by stage', 'Open, won and lost leads in each stage, with their value', {
    subject: 'leads',
    measures: ['leads', 'value'],
    groupBy: ['stage'],
    range: 'all',
    chart: 'bar',
  }),
  report('pipeline', 'open-vs-won', 'Open vs won vs lost', 'Leads and value by the kind of stage they are in', {
    subject: 'leads',
    measures: ['leads', 'value'],
    groupBy: ['stageKind'],
    range: 'all',
    chart: 'donut',
  }),
  report(
    'pipeline',
    'funnel',
    'Funnel by created cohort',
    'Of the leads created in the window, how many entered each stage',
    {
      subject: 'stageMoves',
      measures: ['leads'],
      groupBy: ['toStage'],
      timeField: 'createdAt',
      chart: 'funnel',
    },
  ),
  report('pipeline', 'stage-conversion', 'Stage-to-stage conversion', 'Moves out of each stage: onward, back, lost', {
    subject: 'stageMoves',
    measures: ['moves', 'forwardMoves', 'backwardMoves', 'lostMoves', 'forwardShare', 'dropOff'],
    groupBy: ['fromStage'],
    chart: 'bar',
  }),
  report(
    'pipeline',
    'transition-matrix',
    'Stage transition matrix',
    'Moves from each stage to each other, backward moves included',
    {
      subject: 'stageMoves',
      measures: ['moves', 'leads'],
      groupBy: ['fromStage', 'toStage'],
      chart: 'table',
    },
  ),
  report('pipeline', 'backward-moves', 'Backward moves', 'Leads moved back to an earlier stage, by who moved them', {
    subject: 'stageMoves',
    measures: ['backwardMoves', 'moves'],
    groupBy: ['movedBy'],
    chart: 'bar',
  }),
  report(
    'pipeline',
    'time-in-stage',
    'Time in stage',
    'Median, p90 and average time leads spent in each stage before leaving it',
    {
      subject: 'stageMoves',
      measures: ['medianTimeInStage', 'p90TimeInStage', 'avgTimeInStage', 'moves'],
      groupBy: ['fromStage'],
      chart: 'bar',
    },
  ),
  report('pipeline', 'stuck-leads', 'Stuck leads', 'Open leads in their stage longer than the p90 of that stage', {
    subject: 'leads',
    measures: ['stuckLeads', 'openLeads', 'timeInStage'],
    groupBy: ['stage'],
    range: 'all',
    chart: 'bar',
  }),
  report('pipeline', 'at-risk-by-reason', 'At-risk leads by reason', 'Open leads at risk now, by each reason given', {
    subject: 'leads',
    measures: ['atRiskLeads', 'atRiskValue'],
    groupBy: ['riskReason'],
    range: 'all',
    chart: 'bar',
  }),
  report(
    'pipeline',
    'at-risk-by-owner',
    'At-risk leads by owner',
    'Open leads at risk now and their value, per owner',
    {
      subject: 'leads',
      measures: ['atRiskLeads', 'atRiskValue', 'openLeads'],
      groupBy: ['ownerId'],
      range: 'all',
      chart: 'bar',
    },
  ),
  report('pipeline', 'owner-by-stage', 'Pipeline by owner and stage', 'Leads and value per owner in each stage, now', {
    subject: 'leads',
    measures: ['leads', 'value'],
    groupBy: ['ownerId', 'stage'],
    range: 'all',
    chart: 'table',
  }),
  report(
    'pipeline',
    'as-of',
    'Pipeline on a past date',
    'Leads per stage and owner as they stood at the end of the last day chosen',
    {
      subject: 'pipelineAsOf',
      measures: ['leads', 'value'],
      groupBy: ['stageThen', 'ownerId'],
      range: 'all',
      chart: 'table',
    },
  ),
  report(
    'pipeline',
    'won-lost-by-month',
    'Won and lost by month',
    'Leads closed each month, won and lost, with the win rate',
    {
      subject: 'leads',
      measures: ['wonLeads', 'lostLeads', 'winRate', 'wonValue'],
      groupBy: ['stageChangedAt.month'],
      timeField: 'stageChangedAt',
      chart: 'bar',
    },
  ),
  report('pipeline', 'won-lost-by-quarter', 'Won and lost by quarter', 'Leads closed each quarter, won and lost', {
    subject: 'leads',
    measures: ['wonLeads', 'lostLeads', 'winRate', 'wonValue'],
    groupBy: ['stageChangedAt.quarter'],
    timeField: 'stageChangedAt',
    range: 'all',
    chart: 'bar',
  }),
  report('pipeline', 'won-by-fiscal-year', 'Won by fiscal year', 'Won value and count per fiscal year of the company', {
    subject: 'leads',
    measures: ['wonValue', 'wonLeads', 'winRate'],
    groupBy: ['stageChangedAt.fiscalYear'],
    timeField: 'stageChangedAt',
    range: 'all',
    chart: 'bar',
  }),
  report('pipeline', 'lost-reasons', 'Lost reasons', 'Lost leads and their value by the reason given', {
    subject: 'leads',
    measures: ['lostLeads', 'lostValue'],
    groupBy: ['lostReason'],
    timeField: 'stageChangedAt',
    chart: 'donut',
  }),
  report('pipeline', 'average-value', 'Average deal value', 'Average value of open and won leads, by month created', {
    subject: 'leads',
    measures: ['avgOpenValue', 'avgWonValue', 'avgValue'],
    groupBy: ['createdAt.month'],
    chart: 'line',
  }),
  report('pipeline', 'sales-cycle', 'Sales cycle', 'Average and median time from creation to won, by month won', {
    subject: 'leads',
    measures: ['salesCycle', 'medianSalesCycle', 'wonLeads'],
    groupBy: ['stageChangedAt.month'],
    timeField: 'stageChangedAt',
    chart: 'line',
  }),
  report('pipeline', 'new-leads-by-month', 'New leads by month', 'Leads created each month', {
    subject: 'leads',
    measures: ['leads', 'value'],
    groupBy: ['createdAt.month'],
    chart: 'area',
  }),
  report('pipeline', 'new-leads-by-day', 'New leads by day', 'Leads created each day of the last 30 days', {
    subject: 'leads',
    measures: ['leads'],
    groupBy: ['createdAt.day'],
    range: 'last30Days',
    chart: 'line',
  }),
  report('pipeline', 'new-leads-by-week', 'New leads by week', 'Leads created each week', {
    subject: 'leads',
    measures: ['leads'],
    groupBy: ['createdAt.week'],
    range: 'last90Days',
    chart: 'bar',
  }),
  report('pipeline', 'stage-entries-by-month', 'Stage entries by month', 'Leads entering each stage, month by month', {
    subject: 'stageMoves',
    measures: ['leads'],
    groupBy: ['movedAt.month', 'toStage'],
    chart: 'table',
  }),

  // Conversion and sources
  conversionBy('source', 'source'),
  conversionBy('campaign', 'campaign'),
  conversionBy('product', 'product'),
  conversionBy('territory', 'territory'),
  conversionBy('ownerId', 'owner'),
  conversionBy('city', 'city'),
  conversionBy('state', 'state'),
  conversionBy('partnerId', 'partner'),
  conversionBy('tags', 'tag'),
  report(
    'conversion',
    'engaged-not-converted',
    'Engaged but not converted',
    'Open leads someone has worked, per owner',
    {
      subject: 'leads',
      measures: ['engagedOpen', 'openLeads'],
      groupBy: ['ownerId'],
      chart: 'bar',
    },
  ),
  report(
    'conversion',
    'won-value-by-channel',
    'Won value by channel',
    'Won value by the channel the lead came in through',
    {
      subject: 'leads',
      measures: ['wonValue', 'wonLeads'],
      groupBy: ['createdVia'],
      chart: 'donut',
    },
  ),
  report(
    'conversion',
    'channels',
    'Channel performance',
    'Web forms, imports, the API, WhatsApp and people: leads, won, win rate',
    {
      subject: 'leads',
      measures: ['leads', ...won, 'conversionRate'],
      groupBy: ['createdVia'],
      chart: 'bar',
    },
  ),
  report(
    'conversion',
    'open-by-score-tier',
    'Open leads by score tier',
    'Open leads and their value by score tier (hot, warm, cold, not scored)',
    {
      subject: 'leads',
      measures: ['openLeads', 'openValue'],
      groupBy: ['scoreTier'],
      range: 'all',
      chart: 'bar',
    },
  ),
  report(
    'conversion',
    'win-rate-by-score-tier',
    'Win rate by score tier',
    'Leads closed in the window, won and lost, by the tier of the score they had when they closed',
    {
      subject: 'leads',
      measures: ['wonLeads', 'lostLeads', 'winRate', 'wonValue'],
      groupBy: ['scoreTier'],
      timeField: 'stageChangedAt',
      chart: 'bar',
    },
  ),
  report(
    'conversion',
    'score-distribution',
    'Score distribution',
    'Open leads and their value in bands of ten points of score, and those not scored yet',
    {
      subject: 'leads',
      measures: ['openLeads', 'openValue'],
      groupBy: ['scoreBand'],
      range: 'all',
      chart: 'bar',
    },
  ),
  report(
    'conversion',
    'win-rate-by-score-band',
    'Win rate by score band',
    'Leads closed in the window, won and lost, by the band of the score they had when they closed: a check that higher scores win more often',
    {
      subject: 'leads',
      measures: ['wonLeads', 'lostLeads', 'winRate'],
      groupBy: ['scoreBand'],
      timeField: 'stageChangedAt',
      chart: 'bar',
    },
  ),
  report('conversion', 'source-by-month', 'Sources by month', 'New leads per source, month by month', {
    subject: 'leads',
    measures: ['leads', 'wonLeads'],
    groupBy: ['createdAt.month', 'source'],
    chart: 'table',
  }),

  // Team
  leaderboard('leaderboard-day', 'Leaderboard: today', 'today'),
  leaderboard('leaderboard-week', 'Leaderboard: this week', 'thisWeek'),
  leaderboard('leaderboard-month', 'Leaderboard: this month', 'thisMonth'),
  leaderboard('leaderboard-quarter', 'Leaderboard: this quarter', 'thisQuarter'),
  report('team', 'per-salesperson', 'Per salesperson', 'Each owner: leads, open pipeline, won and win rate', {
    subject: 'leads',
    measures: ['leads', 'openLeads', 'openValue', ...won],
    groupBy: ['ownerId'],
    chart: 'table',
  }),
  report('team', 'per-warrior', 'Per warrior', 'Each warrior: leads worked, won and win rate', {
    subject: 'leads',
    measures: ['leads', 'openLeads', ...won],
    groupBy: ['warriorIds'],
    chart: 'bar',
  }),
  report('team', 'per-co-sales', 'Per co-sales', 'Each co-sales person: leads shared, won and win rate', {
    subject: 'leads',
    measures: ['leads', 'openLeads', ...won],
    groupBy: ['coSalesIds'],
    chart: 'bar',
  }),
  report('team', 'per-partner', 'Per partner', 'Each partner organisation: leads brought, won and win rate', {
    subject: 'leads',
    measures: ['leads', 'openLeads', ...won],
    groupBy: ['partnerId'],
    chart: 'bar',
  }),
  report(
    'team',
    'per-team',
    'Per team (rolled up)',
    'Each manager’s whole team, however deep: leads, pipeline and won',
    {
      subject: 'leads',
      measures: ['leads', 'openValue', ...won],
      groupBy: ['team'],
      chart: 'bar',
    },
  ),
  report('team', 'team-by-month', 'Team won by month', 'Won value per team, month by month', {
    subject: 'leads',
    measures: ['wonValue', 'wonLeads'],
    groupBy: ['stageChangedAt.month', 'team'],
    timeField: 'stageChangedAt',
    chart: 'table',
  }),

  // Activities
  report(
    'activities',
    'follow-ups-by-user',
    'Follow-ups per person',
    'Follow-ups due in the window: done, open, overdue and missed, and time to complete',
    {
      subject: 'activities',
      measures: ['activities', 'done', 'open', 'overdue', 'missed', 'completedLate', 'daysToComplete'],
      groupBy: ['assigneeId'],
      filters: {},
      range: 'thisMonth',
      chart: 'table',
    },
  ),
  report(
    'activities',
    'overdue-by-user',
    'Overdue follow-ups',
    'Follow-ups and meetings past due and not done, per person',
    {
      subject: 'activities',
      measures: ['overdue'],
      groupBy: ['assigneeId'],
      range: 'all',
      chart: 'bar',
    },
  ),
  report('activities', 'calls-by-user', 'Calls per person', 'Calls logged, connected, total and average duration', {
    subject: 'activities',
    measures: ['calls', 'callsConnected', 'callDuration', 'avgCallDuration'],
    groupBy: ['assigneeId'],
    range: 'thisMonth',
    chart: 'bar',
  }),
  report('activities', 'call-outcomes', 'Call outcomes', 'Calls by their result', {
    subject: 'activities',
    measures: ['calls', 'callDuration'],
    groupBy: ['callResult'],
    range: 'thisMonth',
    chart: 'donut',
  }),
  report('activities', 'meetings', 'Meetings held vs scheduled', 'Meetings scheduled and held, per person', {
    subject: 'activities',
    measures: ['meetingsScheduled', 'meetingsHeld'],
    groupBy: ['assigneeId'],
    range: 'thisMonth',
    chart: 'bar',
  }),
  report(
    'activities',
    'demos',
    'Demos held vs scheduled',
    'Follow-ups planned as demos, scheduled and held, per person',
    {
      subject: 'activities',
      measures: ['demosScheduled', 'demosHeld'],
      groupBy: ['assigneeId'],
      range: 'thisMonth',
      chart: 'bar',
    },
  ),
  report('activities', 'by-type-month', 'Activities by type and month', 'Every kind of activity, month by month', {
    subject: 'activities',
    measures: ['activities', 'done'],
    groupBy: ['dueAt.month', 'type'],
    chart: 'table',
  }),
  report('activities', 'activities-by-status', 'Activities by status', 'Activities due in the window by their status', {
    subject: 'activities',
    measures: ['activities'],
    groupBy: ['status'],
    range: 'thisMonth',
    chart: 'donut',
  }),
  report('activities', 'emails-by-sender', 'Emails per person', 'Emails sent to leads, opened and clicked', {
    subject: 'emails',
    measures: ['sent', 'opened', 'clicked', 'openRate', 'clickRate', 'failed'],
    groupBy: ['senderId'],
    range: 'thisMonth',
    chart: 'table',
  }),
  report('activities', 'email-templates', 'Email templates', 'How each template does: sent, opened, clicked', {
    subject: 'emails',
    measures: ['sent', 'openRate', 'clickRate'],
    groupBy: ['template'],
    chart: 'bar',
  }),
  report('activities', 'whatsapp-by-user', 'WhatsApp per person', 'Messages sent, delivered and read, per sender', {
    subject: 'whatsapp',
    measures: ['sent', 'delivered', 'read', 'failed', 'readRate'],
    groupBy: ['sentBy'],
    range: 'thisMonth',
    chart: 'table',
  }),
  report(
    'activities',
    'whatsapp-daily',
    'WhatsApp by day',
    'Messages sent and received, and leads who replied, each day',
    {
      subject: 'whatsapp',
      measures: ['sent', 'received', 'repliedLeads'],
      groupBy: ['at.day'],
      range: 'last30Days',
      chart: 'line',
    },
  ),
  report(
    'activities',
    'logins-by-user-day',
    'Sign-ins per person per day',
    'Sign-ins of each person each day, with the first and last',
    {
      subject: 'logins',
      measures: ['logins', 'firstAt', 'lastAt'],
      groupBy: ['userId', 'at.day'],
      range: 'last30Days',
      chart: 'table',
    },
  ),
  report('activities', 'logins-by-user', 'Sign-ins per person', 'How often each person signed in', {
    subject: 'logins',
    measures: ['logins', 'lastAt'],
    groupBy: ['userId'],
    range: 'last30Days',
    chart: 'bar',
  }),
  report(
    'activities',
    'no-next-step',
    'Open leads with no next step',
    'Open leads without a follow-up or meeting planned, per owner',
    {
      subject: 'leads',
      measures: ['noNextStep', 'openLeads'],
      groupBy: ['ownerId'],
      range: 'all',
      chart: 'bar',
    },
  ),

  // Response and SLA
  report(
    'response',
    'speed-to-lead-by-owner',
    'Speed to lead by owner',
    'Time from a lead’s arrival to its first touch, and how many were reached within 5 min, 1 h, 24 h',
    {
      subject: 'leads',
      measures: ['medianResponse', 'p90Response', 'within5m', 'within1h', 'within24h', 'neverReached'],
      groupBy: ['ownerId'],
      range: 'last30Days',
      chart: 'table',
    },
  ),
  report('response', 'speed-to-lead-by-source', 'Speed to lead by source', 'Time to first touch per source', {
    subject: 'leads',
    measures: ['medianResponse', 'p90Response', 'within5m', 'within1h', 'within24h', 'neverReached'],
    groupBy: ['source'],
    range: 'last30Days',
    chart: 'table',
  }),
  report(
    'response',
    'speed-to-lead-by-week',
    'Speed to lead by week',
    'Median and p90 time to first touch, week by week',
    {
      subject: 'leads',
      measures: ['medianResponse', 'p90Response', 'within1h'],
      groupBy: ['createdAt.week'],
      range: 'last90Days',
      chart: 'line',
    },
  ),
  report(
    'response',
    'uncontacted-by-age',
    'Uncontacted leads by age',
    'Leads nobody has worked yet, by the week they came in',
    {
      subject: 'leads',
      measures: ['neverReached', 'leads'],
      groupBy: ['createdAt.week'],
      range: 'last90Days',
      chart: 'bar',
    },
  ),
  report(
    'response',
    'assignments-by-reason',
    'Assignments by reason',
    'Assignments by rule, by hand, on a missed SLA, or with no one eligible',
    {
      subject: 'assignments',
      measures: ['assignments'],
      groupBy: ['reason'],
      chart: 'donut',
    },
  ),
  report(
    'response',
    'sla-breaches',
    'Assignment SLA breaches',
    'Leads taken from an owner who did not respond in time, per previous owner',
    {
      subject: 'assignments',
      measures: ['slaBreaches', 'reassignments'],
      groupBy: ['previousOwner'],
      chart: 'bar',
    },
  ),
  report(
    'response',
    'reassignments-by-month',
    'Reassignments by month',
    'Reassignments and SLA breaches month by month',
    {
      subject: 'assignments',
      measures: ['reassignments', 'slaBreaches', 'assignments'],
      groupBy: ['at.month'],
      chart: 'line',
    },
  ),
  report('response', 'assignments-by-rule', 'Assignments by rule', 'Leads routed by each assignment rule', {
    subject: 'assignments',
    measures: ['assignments', 'byRule'],
    groupBy: ['rule'],
    chart: 'bar',
  }),
  report(
    'response',
    'follow-up-sla',
    'Follow-up SLA breaches',
    'Follow-ups missed or completed late, per person, month by month',
    {
      subject: 'activities',
      measures: ['missed', 'completedLate', 'activities'],
      groupBy: ['dueAt.month', 'assigneeId'],
      chart: 'table',
    },
  ),

  // Forecast
  report(
    'forecast',
    'weighted-pipeline',
    'Weighted pipeline by close month',
    'Open value weighted by each stage’s win probability, by expected close month',
    {
      subject: 'leads',
      measures: ['weightedValue', 'openValue', 'openLeads'],
      groupBy: ['expectedCloseDate.month'],
      timeField: 'expectedCloseDate',
      range: 'nextQuarter',
      chart: 'bar',
    },
  ),
  report(
    'forecast',
    'weighted-by-owner',
    'Weighted pipeline by owner',
    'Open value weighted by stage probability, per owner',
    {
      subject: 'leads',
      measures: ['weightedValue', 'openValue'],
      groupBy: ['ownerId'],
      range: 'all',
      chart: 'bar',
    },
  ),
  report('forecast', 'won-by-month', 'Actual won by month', 'Won value each month, to set beside the forecast', {
    subject: 'leads',
    measures: ['wonValue', 'wonLeads'],
    groupBy: ['stageChangedAt.month'],
    timeField: 'stageChangedAt',
    chart: 'line',
  }),
  report(
    'forecast',
    'close-date-slippage',
    'Close-date slippage',
    'Open leads whose expected close date has passed, per owner',
    {
      subject: 'leads',
      measures: ['pastCloseDate', 'pastCloseValue', 'openLeads'],
      groupBy: ['ownerId'],
      range: 'all',
      chart: 'bar',
    },
  ),

  // Insights
  report(
    'insights',
    'recommendation-outcomes',
    'Recommendation outcomes',
    'Assignment recommendations by status and kind: the win rate promised and, since acceptance, the leads assigned, closed and won, and the win rate against the promise',
    {
      subject: 'recommendations',
      measures: ['recommendations', 'expectedWinRate', 'assigned', 'closed', 'won', 'actualWinRate', 'againstExpected'],
      groupBy: ['status', 'kind'],
      range: 'all',
      chart: 'table',
    },
  ),

  ...(
    [
      ['source', 'source'],
      ['campaign', 'campaign'],
      ['owner', 'ownerId'],
    ] as const
  ).map(([name, dimension]) =>
    report(
      'insights',
      `customer-value-by-${name}`,
      `Customer value by ${name}`,
      `Revenue to date, expected value of the next 12 months and average lifetime value of the customers per ${name} (amounts in the company’s currency), with the number of customers and those at churn risk`,
      {
        subject: 'customers',
        measures: ['revenueToDate', 'expected12m', 'averageLifetimeValue', 'customers', 'atChurnRisk'],
        groupBy: [dimension],
        range: 'all',
        chart: 'bar',
      },
    ),
  ),
  report(
    'insights',
    'forecast-vs-actual',
    'Forecast against actual',
    'Each month, the revenue forecast kept for it (recorded when the month began, or reconstructed from history) beside what was won, and the error',
    {
      subject: 'forecastMonths',
      measures: ['forecast', 'actual', 'errorPct', 'absoluteError'],
      groupBy: ['month.month'],
      chart: 'line',
    },
  ),
  report(
    'insights',
    'forecast-vs-actual-by-owner',
    'Forecast against actual by owner',
    'Each month and owner, the share of the revenue forecast kept for the owner beside what the owner’s leads won, in value and count',
    {
      subject: 'forecastMonths',
      measures: ['forecast', 'actual', 'errorPct', 'forecastCount', 'actualCount'],
      groupBy: ['month.month', 'ownerId'],
      chart: 'table',
    },
  ),

  // Support
  report('support', 'tickets-by-status', 'Tickets by status', 'Every ticket you can see, by where it stands now', {
    subject: 'tickets',
    measures: ['tickets'],
    groupBy: ['status'],
    range: 'all',
    chart: 'donut',
  }),
  report(
    'support',
    'tickets-by-priority',
    'Tickets by priority',
    'Tickets raised in the window by priority: how many, how many are still open and how many were solved',
    { subject: 'tickets', measures: ['tickets', 'open', 'solved'], groupBy: ['priority'], chart: 'bar' },
  ),
  report(
    'support',
    'tickets-by-category',
    'Tickets by category',
    'Tickets raised in the window by category: how many, still open and solved',
    { subject: 'tickets', measures: ['tickets', 'open', 'solved'], groupBy: ['category'], chart: 'bar' },
  ),
  report(
    'support',
    'response-times-by-priority',
    'Response and resolution times by priority',
    'Median and p90 time from a ticket’s creation to its first public reply and to its solve, by priority',
    {
      subject: 'tickets',
      measures: ['medianFirstResponse', 'p90FirstResponse', 'medianResolution', 'p90Resolution', 'tickets'],
      groupBy: ['priority'],
      range: 'last90Days',
      chart: 'table',
    },
  ),
  report(
    'support',
    'sla-breaches-by-month',
    'Ticket SLA breaches by month',
    'Tickets raised each month that missed their first-response or resolution clock (or are past it and still running)',
    {
      subject: 'tickets',
      measures: ['firstResponseBreaches', 'resolutionBreaches', 'tickets'],
      groupBy: ['createdAt.month'],
      chart: 'bar',
    },
  ),
  report(
    'support',
    'satisfaction-by-month',
    'Satisfaction by month',
    'Ratings customers gave from the solve email, month by month: good, bad and the share of good',
    {
      subject: 'tickets',
      measures: ['satisfactionScore', 'good', 'bad', 'rated'],
      groupBy: ['ratedAt.month'],
      timeField: 'ratedAt',
      chart: 'line',
    },
  ),
  report(
    'support',
    'satisfaction-by-assignee',
    'Satisfaction by assignee',
    'Ratings of the tickets each person was assigned: good, bad and the share of good',
    {
      subject: 'tickets',
      measures: ['satisfactionScore', 'good', 'bad', 'rated'],
      groupBy: ['assigneeId'],
      timeField: 'ratedAt',
      range: 'last90Days',
      chart: 'table',
    },
  ),
  report(
    'support',
    'backlog-by-assignee',
    'Ticket backlog by assignee',
    'Tickets waiting on the team now (new and open) and all not solved yet, per assignee (none: unassigned)',
    { subject: 'tickets', measures: ['backlog', 'open'], groupBy: ['assigneeId'], range: 'all', chart: 'bar' },
  ),

  // Data quality
  report(
    'data-quality',
    'missing-fields',
    'Leads missing key fields',
    'Leads without email, phone, value or close date, per owner',
    {
      subject: 'leads',
      measures: ['missingEmail', 'missingPhone', 'missingValue', 'missingCloseDate', 'leads'],
      groupBy: ['ownerId'],
      range: 'all',
      chart: 'table',
    },
  ),
  report(
    'data-quality',
    'stale-leads',
    'Stale leads',
    'Open leads past their close date or not worked in 30 days, per owner',
    {
      subject: 'leads',
      measures: ['stale', 'pastCloseDate', 'openLeads'],
      groupBy: ['ownerId'],
      range: 'all',
      chart: 'bar',
    },
  ),
  report('data-quality', 'unassigned', 'Unassigned leads', 'Leads with no owner, by source', {
    subject: 'leads',
    measures: ['unassigned', 'leads'],
    groupBy: ['source'],
    range: 'all',
    chart: 'bar',
  }),
  report(
    'data-quality',
    'duplicates-found',
    'Duplicates found',
    'Duplicate groups found at entry or by the nightly scan, and what became of them',
    {
      subject: 'duplicates',
      measures: ['groups', 'merged', 'dismissed', 'open'],
      groupBy: ['origin'],
      chart: 'bar',
    },
  ),
  report(
    'data-quality',
    'merges-by-month',
    'Merges by month',
    'Merges made and undone, and leads merged away, month by month',
    {
      subject: 'merges',
      measures: ['merges', 'leadsMerged', 'undone'],
      groupBy: ['at.month'],
      chart: 'bar',
    },
  ),
  report(
    'data-quality',
    'import-outcomes',
    'Import outcomes',
    'Rows imported, created, updated, skipped and failed, per person',
    {
      subject: 'imports',
      measures: ['imports', 'rows', 'created', 'updated', 'skipped', 'failed'],
      groupBy: ['createdBy'],
      chart: 'table',
    },
  ),
  report('data-quality', 'leads-by-channel', 'Leads by channel', 'Where leads came in from, month by month', {
    subject: 'leads',
    measures: ['leads'],
    groupBy: ['createdAt.month', 'createdVia'],
    chart: 'table',
  }),
];

const byKey = new Map(prebuiltReports.map((r) => [r.key, r]));
export const prebuiltReport = (key: string) => byKey.get(key);
