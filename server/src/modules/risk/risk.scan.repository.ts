import { sql } from 'kysely';
import type { Tx } from '../../db/client.ts';
import { onLeaveQuery } from '../assignment/index.ts';
import { NORMS, type ReasonKey, reasonWeights } from './risk.reasons.ts';

/** A stage's norms as measured from the company's own history (samples 0: none). */
export interface StageNorm {
  stage: string;
  /** Median days between touches of a lead in the stage (null: too few samples, the default applies). */
  paceDays: number | null;
  paceSamples: number;
  /** 90th percentile of days spent in the stage by the leads that left it (null: too few, the default applies). */
  p90Days: number | null;
  p90Samples: number;
}

/**
 * The median gap between touches per open stage, over the last year. A touch is a done activity (a call or note
 * at the time it happened, a follow-up or meeting when completed), a note, a sent email or an outgoing WhatsApp
 * message; entering a stage counts as the first touch in it. Each touch is attributed to the stage the lead was
 * in at the time (the last stage move before it), and its gap is the time since the lead's previous touch or
 * stage entry. Events at the same instant (a lead created and moved at once) keep the order of their ids, which
 * grow with time. One pass: the events of every lead sorted once, two window functions, one percentile per stage.
 */
async function paceByStage(trx: Tx, companyId: string, since: Date) {
  const { rows } = await sql<{ stage: string; samples: number; median_days: number }>`
    WITH ev AS (
      SELECT h.lead_id, h.at, h.id, h.to_stage AS stage
      FROM lead_stage_history h WHERE h.company_id = ${companyId}
      UNION ALL
      SELECT a.lead_id, CASE WHEN a.type IN ('call', 'note') THEN a.due_at ELSE a.completed_at END, a.id, NULL
      FROM activities a
      WHERE a.company_id = ${companyId} AND a.status = 'done'
        AND CASE WHEN a.type IN ('call', 'note') THEN a.due_at ELSE a.completed_at END >= ${since}
      UNION ALL
      SELECT n.lead_id, n.created_at, n.id, NULL FROM lead_notes n
      WHERE n.company_id = ${companyId} AND n.created_at >= ${since}
      UNION ALL
      SELECT e.lead_id, e.sent_at, e.id, NULL FROM email_messages e
      WHERE e.company_id = ${companyId} AND e.lead_id IS NOT NULL AND e.sent_at >= ${since}
      UNION ALL
      SELECT w.lead_id, w.at, w.id, NULL FROM whatsapp_messages w
      WHERE w.company_id = ${companyId} AND w.lead_id IS NOT NULL AND w.direction = 'outbound' AND w.at >= ${since}
    ),
    seq AS (
      SELECT lead_id, at, id, stage, stage IS NULL AS touch,
        count(stage) OVER (PARTITION BY lead_id ORDER BY at, stage IS NULL, id ROWS UNBOUNDED PRECEDING) AS seg
      FROM ev
    ),
    gaps AS (
      SELECT touch, seg, at,
        first_value(stage) OVER w AS seg_stage,
        lag(at) OVER w AS prev_at
      FROM seq
      WINDOW w AS (PARTITION BY lead_id, seg ORDER BY at, touch, id)
    )
    SELECT g.seg_stage AS stage, count(*)::int AS samples,
      percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM g.at - g.prev_at) / 86400)::float8 AS median_days
    FROM gaps g
    JOIN pipeline_stages s ON s.company_id = ${companyId} AND s.key = g.seg_stage AND s.kind = 'open'
    WHERE g.touch AND g.seg > 0 AND g.prev_at >= ${since}
    GROUP BY g.seg_stage`.execute(trx);
  return rows;
}

/** The 90th percentile of the days spent in each open stage by the leads that left it in the last year. */
async function stayByStage(trx: Tx, companyId: string, since: Date) {
  const { rows } = await sql<{ stage: string; samples: number; p90_days: number }>`
    SELECT h.from_stage AS stage, count(*)::int AS samples,
      percentile_cont(0.9) WITHIN GROUP (ORDER BY h.seconds_in_previous / 86400.0)::float8 AS p90_days
    FROM lead_stage_history h
    JOIN pipeline_stages s ON s.company_id = ${companyId} AND s.key = h.from_stage AND s.kind = 'open'
    WHERE h.company_id = ${companyId} AND h.at >= ${since} AND h.seconds_in_previous IS NOT NULL
    GROUP BY h.from_stage`.execute(trx);
  return rows;
}

/** Every open stage with the norms its leads are measured against. */
export async function stageNorms(trx: Tx, companyId: string, now: Date): Promise<StageNorm[]> {
  const since = new Date(now.getTime() - NORMS.historyDays * 86_400_000);
  const [stages, pace, stay] = await Promise.all([
    trx.selectFrom('pipeline_stages').select('key').where('kind', '=', 'open').orderBy('position').execute(),
    paceByStage(trx, companyId, since),
    stayByStage(trx, companyId, since),
  ]);
  const paceOf = new Map(pace.map((r) => [r.stage, r]));
  const stayOf = new Map(stay.map((r) => [r.stage, r]));
  return stages.map(({ key }) => {
    const p = paceOf.get(key);
    const s = stayOf.get(key);
    return {
      stage: key,
      paceDays: p && p.samples >= NORMS.minPaceSamples ? p.median_days : null,
      paceSamples: p?.samples ?? 0,
      p90Days: s && s.samples >= NORMS.minStageSamples ? s.p90_days : null,
      p90Samples: s?.samples ?? 0,
    };
  });
}

const weight = (key: ReasonKey) => sql.lit(reasonWeights[key]);

/**
 * Flags the company's live open leads in one statement: every reason measured for every lead at once (joins to
 * per-lead aggregates, no loop), the leads with at least one reason other than "no next step" upserted into
 * lead_risks (keeping flagged_since and notified_at), the rows of leads no longer at risk removed.
 */
export async function flagLeads(
  trx: Tx,
  input: { companyId: string; now: Date; timezone: string; norms: StageNorm[] },
): Promise<{ flagged: number; cleared: number }> {
  const { companyId, now, timezone } = input;
  const norms = JSON.stringify(
    input.norms.map((n) => ({
      stage: n.stage,
      pace: n.paceDays ?? NORMS.defaultPaceDays,
      p90: n.p90Days ?? NORMS.defaultStageP90Days,
    })),
  );
  const { rows } = await sql<{ flagged: number; cleared: number }>`
    -- The activity conditions repeat the partial index activities_open_lead_idx, so both look-ups use it.
    WITH norms AS (
      SELECT * FROM jsonb_to_recordset(${norms}::jsonb) AS n(stage text, pace float8, p90 float8)
    ),
    overdue AS (
      SELECT a.lead_id, count(*)::int AS n, max(${now}::timestamptz - a.due_at) AS late
      FROM activities a
      WHERE a.company_id = ${companyId} AND a.status IN ('open', 'missed') AND a.type IN ('follow_up', 'meeting')
        AND a.type = 'follow_up' AND a.due_at < ${now}
      GROUP BY a.lead_id
    ),
    next_steps AS (
      SELECT DISTINCT a.lead_id
      FROM activities a
      WHERE a.company_id = ${companyId} AND a.status IN ('open', 'missed') AND a.type IN ('follow_up', 'meeting')
        AND a.status = 'open' AND a.due_at >= ${now}
    ),
    pushes AS (
      SELECT g.entity_id AS lead_id, count(*)::int AS n
      FROM audit_log g
      WHERE g.company_id = ${companyId} AND g.entity_type = 'lead' AND g.changes ? 'expectedCloseDate'
        AND g.changes -> 'expectedCloseDate' ->> 'from' IS NOT NULL
        AND g.changes -> 'expectedCloseDate' ->> 'to' IS NOT NULL
        AND (g.changes -> 'expectedCloseDate' ->> 'to') > (g.changes -> 'expectedCloseDate' ->> 'from')
      GROUP BY g.entity_id
      HAVING count(*) >= 2
    ),
    on_leave AS (${onLeaveQuery(companyId, now, timezone)}),
    measured AS (
      SELECT l.id,
        extract(epoch FROM ${now}::timestamptz - l.last_touched_at) / 86400 AS idle,
        extract(epoch FROM ${now}::timestamptz - l.stage_changed_at) / 86400 AS stay,
        n.pace, n.p90,
        o.n AS overdue, extract(epoch FROM o.late) / 86400 AS late,
        ns.lead_id IS NULL AS no_next,
        p.n AS pushes,
        v.until
      FROM leads l
      JOIN pipeline_stages s ON s.company_id = l.company_id AND s.key = l.stage AND s.kind = 'open'
      LEFT JOIN norms n ON n.stage = l.stage
      LEFT JOIN overdue o ON o.lead_id = l.id
      LEFT JOIN next_steps ns ON ns.lead_id = l.id
      LEFT JOIN pushes p ON p.lead_id = l.id
      LEFT JOIN on_leave v ON v.user_id = l.owner_id
      WHERE l.company_id = ${companyId} AND l.deleted_at IS NULL AND l.merged_into IS NULL
    ),
    judged AS (
      SELECT m.*,
        m.idle >= greatest(${NORMS.idleFactor}::float8 * m.pace, ${NORMS.minIdleDays}::float8) AS no_touch,
        m.stay > m.p90 AS stage_overdue,
        m.overdue IS NOT NULL AS overdue_follow_ups,
        m.pushes IS NOT NULL AS close_date_pushed,
        m.until IS NOT NULL AS owner_on_leave
      FROM measured m
    ),
    flags AS MATERIALIZED (
      SELECT j.id,
        jsonb_path_query_array(jsonb_build_array(
          CASE WHEN j.overdue_follow_ups THEN jsonb_build_object(
            'key', 'overdue_follow_ups', 'value', j.overdue, 'usual', NULL, 'late', floor(j.late)::int) END,
          CASE WHEN j.no_touch THEN jsonb_build_object(
            'key', 'no_touch', 'value', floor(j.idle)::int, 'usual', round(j.pace::numeric, 1)) END,
          CASE WHEN j.stage_overdue THEN jsonb_build_object(
            'key', 'stage_overdue', 'value', floor(j.stay)::int, 'usual', round(j.p90::numeric, 1)) END,
          CASE WHEN j.close_date_pushed THEN jsonb_build_object(
            'key', 'close_date_pushed', 'value', j.pushes, 'usual', NULL) END,
          CASE WHEN j.owner_on_leave THEN jsonb_build_object(
            'key', 'owner_on_leave', 'value', NULL, 'usual', NULL, 'until', j.until) END,
          CASE WHEN j.no_next THEN jsonb_build_object('key', 'no_next_step', 'value', NULL, 'usual', NULL) END
        ), '$[*] ? (@ != null)') AS reasons,
        array_remove(ARRAY[
          CASE WHEN j.overdue_follow_ups THEN 'overdue_follow_ups' END,
          CASE WHEN j.no_touch THEN 'no_touch' END,
          CASE WHEN j.stage_overdue THEN 'stage_overdue' END,
          CASE WHEN j.close_date_pushed THEN 'close_date_pushed' END,
          CASE WHEN j.owner_on_leave THEN 'owner_on_leave' END,
          CASE WHEN j.no_next THEN 'no_next_step' END
        ], NULL) AS keys,
        (CASE WHEN j.overdue_follow_ups THEN ${weight('overdue_follow_ups')} ELSE 0 END
          + CASE WHEN j.no_touch THEN ${weight('no_touch')} ELSE 0 END
          + CASE WHEN j.stage_overdue THEN ${weight('stage_overdue')} ELSE 0 END
          + CASE WHEN j.close_date_pushed THEN ${weight('close_date_pushed')} ELSE 0 END
          + CASE WHEN j.owner_on_leave THEN ${weight('owner_on_leave')} ELSE 0 END
          + CASE WHEN j.no_next THEN ${weight('no_next_step')} ELSE 0 END) AS severity
      FROM judged j
      WHERE j.overdue_follow_ups OR j.no_touch OR j.stage_overdue OR j.close_date_pushed OR j.owner_on_leave
    ),
    upserted AS (
      INSERT INTO lead_risks (company_id, lead_id, reasons, reason_keys, severity, flagged_since, checked_at)
      SELECT ${companyId}, f.id, f.reasons, f.keys, f.severity, ${now}, ${now} FROM flags f
      ON CONFLICT (company_id, lead_id) DO UPDATE SET
        reasons = EXCLUDED.reasons, reason_keys = EXCLUDED.reason_keys, severity = EXCLUDED.severity,
        checked_at = EXCLUDED.checked_at
      RETURNING 1
    ),
    cleared AS (
      DELETE FROM lead_risks r
      WHERE r.company_id = ${companyId} AND NOT EXISTS (SELECT 1 FROM flags f WHERE f.id = r.lead_id)
      RETURNING 1
    )
    SELECT (SELECT count(*)::int FROM upserted) AS flagged, (SELECT count(*)::int FROM cleared) AS cleared`.execute(
    trx,
  );
  return rows[0] ?? { flagged: 0, cleared: 0 };
}

/**
 * Marks the at-risk leads whose owner was not told about them in the last week as told now, and returns how many
 * each (active) owner has, with one of the leads (the notification links to it when it is the only one).
 */
export async function claimNotifications(trx: Tx, companyId: string, now: Date) {
  const { rows } = await sql<{ owner_id: string; n: number; lead_id: string }>`
    WITH due AS (
      UPDATE lead_risks r SET notified_at = ${now}
      FROM leads l, users u
      WHERE r.company_id = ${companyId} AND l.company_id = r.company_id AND l.id = r.lead_id
        AND u.company_id = l.company_id AND u.id = l.owner_id AND u.active
        AND (r.notified_at IS NULL OR r.notified_at <= ${now}::timestamptz - make_interval(days => ${NORMS.notifyEveryDays}))
      RETURNING l.owner_id, r.lead_id
    )
    SELECT owner_id, count(*)::int AS n, min(lead_id::text) AS lead_id FROM due GROUP BY owner_id`.execute(trx);
  return rows;
}

export async function companyTimezone(trx: Tx, companyId: string): Promise<string> {
  const row = await trx.selectFrom('companies').select('timezone').where('id', '=', companyId).executeTakeFirst();
  return row?.timezone ?? 'UTC';
}

export async function recordScan(
  trx: Tx,
  row: { companyId: string; now: Date; durationMs: number; flagged: number; notified: number; norms: StageNorm[] },
): Promise<void> {
  const values = {
    checked_at: row.now,
    duration_ms: Math.max(0, Math.round(row.durationMs)),
    flagged: row.flagged,
    notified: row.notified,
    norms: JSON.stringify(row.norms),
  };
  await trx
    .insertInto('lead_risk_scans')
    .values({ company_id: row.companyId, ...values })
    .onConflict((oc) => oc.column('company_id').doUpdateSet(values))
    .execute();
}
