// Generated files must match what their generators produce from the current sources.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const node = [process.execPath, '--disable-warning=ExperimentalWarning'];
const run = (args, cwd = root) => execFileSync(node[0], [...node.slice(1), ...args], { cwd, stdio: 'inherit' });

run(['server/scripts/generate-db-types.ts', '--check']);
run(['server/scripts/generate-openapi.ts', '--check']);
run(['server/scripts/generate-lead-catalog.ts', '--check']);
run(['server/scripts/generate-reports-doc.ts', '--check']);

const dir = mkdtempSync(join(tmpdir(), 'iperform-drift-'));
try {
  const out = join(dir, 'api-types.ts');
  execFileSync(
    process.execPath,
    [join(root, 'node_modules/openapi-typescript/bin/cli.js'), join(root, 'server/openapi.json'), '-o', out],
    { stdio: 'ignore' },
  );
  if (readFileSync(out, 'utf8') !== readFileSync(join(root, 'web/src/lib/api-types.ts'), 'utf8')) {
    console.error('web/src/lib/api-types.ts is out of date with server/openapi.json: run `npm run generate`');
    process.exit(1);
  }
  console.log('api-types.ts: up to date');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
