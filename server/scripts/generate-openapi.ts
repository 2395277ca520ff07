import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { connect } from '../src/db/client.ts';

/** Writes server/openapi.json from the routes' schemas; with --check, fails when the committed file differs. */
const target = resolve(import.meta.dirname, '../openapi.json');
const check = process.argv.includes('--check');

// The document needs the routes, not a database: this pool never connects.
const dbs = connect('postgres://nobody@127.0.0.1:1/none', 1);
const app = await buildApp({
  config: loadConfig({ LOG_LEVEL: 'silent' }),
  db: dbs.app,
  jwtSecret: 'x'.repeat(32),
  logger: false,
  webRoot: null,
});
await app.ready();
const generated = `${JSON.stringify(app.swagger(), null, 2)}\n`;
await app.close();
await dbs.close();

if (check) {
  if (readFileSync(target, 'utf8') !== generated) {
    console.error('server/openapi.json is out of date with the routes: run `npm run generate`');
    process.exit(1);
  }
  console.log('openapi.json: up to date');
} else {
  writeFileSync(target, generated);
  console.log(`wrote ${target}`);
}
