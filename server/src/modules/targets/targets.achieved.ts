/**
 * What each target's scope has achieved in its period, asked of the semantic layer (never SQL of our own), as the
 * caller: every figure covers only the leads and activities the caller may see, and a figure the caller's role may
 * not see (a partner does not see values) is null.
 *
 * - won value and count: leads in a won stage whose stage changed within the period (`stageChangedAt`);
 * - new leads: leads created within the period;
 * - calls: calls due within the period, by their assignee (a team's: its members'), or on the partner's or the
 *   territory's leads.
 */
import type { Tx } from '../../db/client.ts';
import type { Actor } from '../../http/context.ts';
import { AppError } from '../../http/errors.ts';
import { type Definition, type RunOptions, runReport } from '../reports/index.ts';
import type { Period } from './targets.period.ts';
import { type ScopeKind, teamMembers } from './targets.repository.ts';

export interface Figures {
  wonValue: number | null;
  wonCount: number | null;
  newLeads: number | null;
  calls: number | null;
}

/** A grouped answer: each group's figures, and which of the asked measures the caller may see. */
interface Grouped {
  rows: Map<string, Record<string, number | null>>;
  measures: Set<string>;
}

const PAGE = 5000;
const dimension: Record<ScopeKind, string> = {
  user: 'ownerId',
  team: 'team',
  partner: 'partnerId',
  territory: 'territory',
};

/** Every row of a grouped report; measures the caller may not see are left out (all of them: nothing). */
async function grouped(
  trx: Tx,
  actor: Actor,
  now: Date,
  def: Definition,
  period: Period,
  options: RunOptions,
): Promise<Grouped> {
  let measures = def.measures;
  for (;;) {
    try {
      const rows = new Map<string, Record<string, number | null>>();
      const dim = def.groupBy?.[0] as string;
      for (let offset = 0; ; offset += PAGE) {
        const result = await runReport(
          trx,
          actor,
          now,
          { report: { ...def, measures }, from: period.start, to: period.end, limit: PAGE, offset },
          options,
        );
        for (const row of result.rows) {
          const key = row.values[dim];
          if (key === null || key === undefined) continue;
          rows.set(
            String(key),
            Object.fromEntries(measures.map((m) => [m, row.values[m] === null ? null : Number(row.values[m])])),
          );
        }
        if (result.rows.length < PAGE || offset + PAGE >= result.total) break;
      }
      return { rows, measures: new Set(measures) };
    } catch (error) {
      // A subject, grouping or measure the caller's role may not see: those figures are not the caller's to know.
      if (!(error instanceof AppError) || (error.code !== 'validation_failed' && error.code !== 'forbidden'))
        throw error;
      const hidden = new Set(
        (error.errors ?? []).map((e) => /^report\.measures\.(\d+)$/.exec(e.path)?.[1]).filter((i) => i !== undefined),
      );
      const onlyMeasures = error.code === 'validation_failed' && hidden.size === (error.errors ?? []).length;
      const left = measures.filter((_, i) => !hidden.has(String(i)));
      if (!onlyMeasures || left.length === 0 || left.length === measures.length) {
        return { rows: new Map(), measures: new Set() };
      }
      measures = left;
    }
  }
}

const figure = (g: Grouped, key: string, measure: string) =>
  g.measures.has(measure) ? (g.rows.get(key)?.[measure] ?? 0) : null;

/** The achieved figures of each scope (`<kind>:<key>`) in a period. */
export async function achievedFor(
  trx: Tx,
  actor: Actor,
  now: Date,
  period: Period,
  scopes: { kind: ScopeKind; key: string }[],
  options: RunOptions = {},
): Promise<Map<string, Figures>> {
  const out = new Map<string, Figures>();
  const kinds = [...new Set(scopes.map((s) => s.kind))];
  const ask = (def: Definition) => grouped(trx, actor, now, def, period, options);
  let callsByAssignee: Grouped | null = null;
  const assigneeCalls = async () => {
    callsByAssignee ??= await ask({
      subject: 'activities',
      measures: ['calls'],
      groupBy: ['assigneeId'],
      timeField: 'dueAt',
    });
    return callsByAssignee;
  };
  for (const kind of kinds) {
    const dim = dimension[kind];
    const keys = scopes.filter((s) => s.kind === kind).map((s) => s.key);
    const won = await ask({
      subject: 'leads',
      measures: ['wonValue', 'wonLeads'],
      groupBy: [dim],
      timeField: 'stageChangedAt',
    });
    const created = await ask({ subject: 'leads', measures: ['leads'], groupBy: [dim], timeField: 'createdAt' });
    const calls =
      kind === 'user' || kind === 'team'
        ? await assigneeCalls()
        : await ask({ subject: 'activities', measures: ['calls'], groupBy: [dim], timeField: 'dueAt' });
    const members = kind === 'team' ? await teamMembers(trx, keys) : null;
    for (const key of keys) {
      let callCount: number | null;
      if (members) {
        callCount = calls.measures.has('calls')
          ? (members.get(key) ?? []).reduce((sum, id) => sum + (figure(calls, id, 'calls') ?? 0), 0)
          : null;
      } else callCount = figure(calls, key, 'calls');
      out.set(`${kind}:${key}`, {
        wonValue: figure(won, key, 'wonValue'),
        wonCount: figure(won, key, 'wonLeads'),
        newLeads: figure(created, key, 'leads'),
        calls: callCount,
      });
    }
  }
  return out;
}
