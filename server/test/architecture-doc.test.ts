import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');

describe('docs/architecture.md', () => {
  it('lists exactly the modules the server has, each with its public face', () => {
    const text = readFileSync(resolve(root, 'docs/architecture.md'), 'utf8');
    const section = text.slice(text.indexOf('## Modules'));
    const table = section.slice(0, section.indexOf('\n\n', section.indexOf('| module')));
    const documented = [...table.matchAll(/^\| `([a-z-]+)`/gm)].map((m) => m[1]).sort();
    const modulesDir = resolve(root, 'server/src/modules');
    const actual = readdirSync(modulesDir, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
      .sort();
    expect(documented).toEqual(actual);
    for (const name of actual) {
      const files = readdirSync(resolve(modulesDir, name));
      expect(files, `${name} has an index.ts`).toContain('index.ts');
    }
  });
});
