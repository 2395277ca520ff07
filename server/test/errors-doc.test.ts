import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { errorCodes } from '../src/http/errors.ts';

/** The error table of docs/api.md: each row's statuses and the codes named in it. */
function documentedCodes(): Map<string, number[]> {
  const text = readFileSync(resolve(import.meta.dirname, '../../docs/api.md'), 'utf8');
  const start = text.indexOf('| status');
  const table = text.slice(start, text.indexOf('\n\n', start)).split('\n').slice(2);
  const codes = new Map<string, number[]>();
  for (const row of table) {
    const [, statusCell = '', codesCell = ''] = row.split('|');
    const statuses = statusCell.split(',').map((s) => Number(s.trim()));
    // Only the code at the start of each comma-separated entry: notes in brackets may name other things.
    for (const entry of codesCell.replace(/\([^)]*\)/g, '').split(',')) {
      const code = /`([a-z_]+)`/.exec(entry)?.[1];
      if (code) codes.set(code, statuses);
    }
  }
  return codes;
}

describe('the error codes in docs/api.md', () => {
  it('lists every code of the registry under its status, and no other', () => {
    const documented = documentedCodes();
    const registry = Object.entries(errorCodes) as [string, { status: number }][];
    expect(
      registry.filter(([code]) => !documented.has(code)).map(([code]) => code),
      'codes missing from docs/api.md',
    ).toEqual([]);
    expect(
      [...documented.keys()].filter((code) => !(code in errorCodes)),
      'codes in docs/api.md that the server never answers',
    ).toEqual([]);
    for (const [code, { status }] of registry) expect(documented.get(code), code).toContain(status);
  });
});
