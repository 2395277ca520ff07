import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { publicCatalog } from '../src/modules/leads/lead-catalog.ts';
import { leadSourceLabels, leadSources } from '../src/modules/leads/leads.schemas.ts';

/**
 * Writes web/src/lib/lead-catalog.ts from the server's lead catalog, so the web app holds no list of lead fields
 * of its own; with --check, fails when the committed file differs.
 */
const target = resolve(import.meta.dirname, '../../web/src/lib/lead-catalog.ts');
const check = process.argv.includes('--check');

const generated = `// Generated from server/src/modules/leads/lead-catalog.ts by \`npm run generate\`: do not edit.

export const leadCatalog = ${JSON.stringify(publicCatalog(), null, 2)} as const;

export type LeadCatalogField = (typeof leadCatalog)[number];
export type LeadFieldKey = LeadCatalogField['key'];

export const leadSources = ${JSON.stringify(leadSources)} as const;

export const leadSourceLabels: Record<(typeof leadSources)[number], string> = ${JSON.stringify(leadSourceLabels, null, 2)};
`;

if (check) {
  if (readFileSync(target, 'utf8') !== generated) {
    console.error('web/src/lib/lead-catalog.ts is out of date with the lead catalog: run `npm run generate`');
    process.exit(1);
  }
  console.log('lead-catalog.ts: up to date');
} else {
  writeFileSync(target, generated);
  console.log(`wrote ${target}`);
}
