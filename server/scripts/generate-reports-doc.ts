import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { prebuiltReports, reportGroups } from '../src/modules/reports/catalog.ts';
import { subjects } from '../src/modules/reports/subjects/index.ts';

/**
 * Writes docs/reports.md from the pre-built reports and the semantic layer's subjects; with --check, fails when
 * the committed file differs.
 */
const target = resolve(import.meta.dirname, '../../docs/reports.md');
const check = process.argv.includes('--check');

const cell = (text: string) => text.replaceAll('|', '\\|');
const lines: string[] = [
  '<!-- Generated from server/src/modules/reports (catalog.ts, subjects/) by `npm run generate`: do not edit. -->',
  '',
  '# Reports',
  '',
  `iPerform ships ${prebuiltReports.length} pre-built reports. Each is a question to one semantic layer: a subject, its`,
  'measures, up to three groupings, the lead list’s filters and a time window (in the company’s time zone). Every',
  'figure is computed live from the records the caller may see (record visibility and field permissions apply to',
  'every query; a report about a field a role may not see is not offered to it), and every count or sum that a list',
  'can show carries the query of that list (`drill`), whose total equals the figure. A builder question uses the',
  'same subjects, measures and groupings (`GET /api/v1/reports/model`).',
  '',
  'Times group by `day`, `week` (from Monday), `month`, `quarter`, `year` or `fiscalYear` (the company’s fiscal year',
  'starts in the month of its setting `fiscal_year_start_month`).',
  '',
  '**The leads rollup.** PostgreSQL keeps, in `lead_rollups`, every live lead counted and its expected value summed',
  'per month of creation and per month of its last stage change (months in the company’s time zone), owner and',
  'stage, exact at every commit (statement-level triggers on `leads`; a new company time zone rebuilds it). A lead',
  'question is answered from it instead of from every lead when all of it can be: measures that are counts, sums,',
  'averages of the value or ratios of those (leads, value, open, won and lost counts and values, win rate,',
  'converted, average values, unassigned); groupings by stage, stage kind, owner, team and month, quarter, year or',
  'fiscal year of the time it counts by; filters on stage, owner and team only; a window of whole months (or all',
  'time); and a caller whose visibility follows owners (admins and managers; a salesperson’s own leads, with the',
  'few it sees beyond them, co-sold or its warriors’, read live). The answer says `"rollup": true`. Any',
  'other question reads the leads. Both give the same figures: `reports.rollups.test.ts` compares them over random',
  'leads, changes (moves, reassignments, the trash, merges, deletes, a new time zone), questions and people.',
  '',
];
for (const [group, title] of Object.entries(reportGroups)) {
  lines.push(`## ${title}`, '', '| report | key | subject | measures | grouped by | window | chart |');
  lines.push('| --- | --- | --- | --- | --- | --- | --- |');
  for (const r of prebuiltReports.filter((x) => x.group === group)) {
    const s = subjects[r.definition.subject];
    const measures = r.definition.measures.map((m) => s?.measures[m]?.label ?? m).join(', ');
    const groups = (r.definition.groupBy ?? []).join(', ') || '—';
    const time = r.definition.timeField ?? s?.defaultTime ?? '—';
    lines.push(
      `| **${cell(r.name)}**: ${cell(r.description)} | \`${r.key}\` | ${r.definition.subject} | ${cell(measures)} | ${groups} | ${r.range} on ${time} | ${r.definition.chart} |`,
    );
  }
  lines.push('');
}
lines.push('## Subjects', '');
for (const s of Object.values(subjects)) {
  lines.push(`### ${s.label} (\`${s.key}\`)`, '', `${s.description}.`, '');
  lines.push(
    `- Times: ${
      Object.entries(s.timeFields)
        .map(([k, t]) => `\`${k}\` (${t.label})`)
        .join(', ') || 'none'
    }`,
  );
  lines.push(
    `- Groupings: ${Object.entries(s.dimensions)
      .map(([k, d]) => `\`${k}\` (${d.label})`)
      .join(', ')}`,
  );
  lines.push(
    `- Measures: ${Object.entries(s.measures)
      .map(([k, m]) => `\`${k}\` (${m.label}, ${m.format}${m.drill ? ', drills down' : ''})`)
      .join(', ')}`,
  );
  lines.push(`- Filters: ${s.leadFilters ? 'the lead list’s' : 'none'}; drills into: ${s.list ?? 'no list'}`);
  lines.push('');
}
const generated = `${lines.join('\n').trimEnd()}\n`;

if (check) {
  if (readFileSync(target, 'utf8') !== generated) {
    console.error('docs/reports.md is out of date with the reports catalog: run `npm run generate`');
    process.exit(1);
  }
  console.log('reports.md: up to date');
} else {
  writeFileSync(target, generated);
  console.log(`wrote ${target}`);
}
