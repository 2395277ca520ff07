#!/usr/bin/env node
// The `iperform` command: runs src/main.ts on the project's pinned Node (24, which runs TypeScript directly).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const pinned = resolve(here, '../../node_modules/.bin/node');
const node = existsSync(pinned) ? pinned : process.execPath;
const main = resolve(here, '../src/main.ts');
const result = spawnSync(node, ['--disable-warning=ExperimentalWarning', main, ...process.argv.slice(2)], {
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
