import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

/** The real command, as `npm start` runs it: its own embedded PostgreSQL in a fresh data directory. */
const main = resolve(import.meta.dirname, '../src/main.ts');
const dataDir = mkdtempSync(join(tmpdir(), 'iperform-cli-'));
const env = { ...process.env, IPERFORM_DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'warn', DATABASE_URL: '' };
const run = (args: string[]) =>
  spawn(process.execPath, ['--disable-warning=ExperimentalWarning', main, ...args], { env });

function collect(child: ChildProcess) {
  const out = { stdout: '', stderr: '' };
  child.stdout?.on('data', (chunk) => {
    out.stdout += String(chunk);
  });
  child.stderr?.on('data', (chunk) => {
    out.stderr += String(chunk);
  });
  return out;
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((done) => child.once('exit', (code) => done(code)));
}

let first: ChildProcess | null = null;
afterAll(async () => {
  if (first && first.exitCode === null) {
    first.kill('SIGKILL');
    await exited(first);
  }
  rmSync(dataDir, { recursive: true, force: true });
});

describe('iperform serve', () => {
  it('starts on an empty data directory, seeds the demo, prints the URL and logins, and serves', async () => {
    first = run(['serve']);
    const out = collect(first);
    for (let i = 0; i < 600 && !out.stdout.includes('admin@other.test'); i++)
      await new Promise((r) => setTimeout(r, 100));
    expect(out.stdout).toMatch(/iPerform is running at http:\/\/127\.0\.0\.1:\d+/);
    expect(out.stdout).toContain('demo-password');
    expect(out.stdout).toContain('warrior6@demo.test');
    const url = out.stdout.match(/running at (\S+)/)?.[1];
    const login = await fetch(`${url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'manager1@demo.test', password: 'demo-password' }),
    });
    expect(login.status).toBe(200);
    const home = await fetch(`${url}/`, { headers: { accept: 'text/html' } });
    expect(home.status).toBe(200);
  }, 90_000);

  it('refuses a second start on the same data directory at once, with one clear line, and harms nothing', async () => {
    const second = run(['serve']);
    const out = collect(second);
    expect(await exited(second)).toBe(1);
    expect(out.stderr.trim()).toMatch(/^iperform: Another iPerform \(pid \d+\) is already using the data directory/);
    expect(out.stderr).not.toMatch(/\n\s+at /);
    // The first one still serves.
    expect(first?.exitCode).toBeNull();
  }, 30_000);

  it('stops cleanly on SIGTERM: exit code 0, PostgreSQL shut down, the directory released', async () => {
    if (!first) throw new Error('first server missing');
    first.kill('SIGTERM');
    expect(await exited(first)).toBe(0);
    expect(existsSync(join(dataDir, 'pg', 'postmaster.pid'))).toBe(false);
    expect(existsSync(join(dataDir, 'iperform.pid'))).toBe(false);
  }, 60_000);

  it('migrates idempotently from the command line', () => {
    const result = spawnSync(process.execPath, ['--disable-warning=ExperimentalWarning', main, 'migrate'], {
      env,
      encoding: 'utf8',
    });
    expect(result.status).toBe(0);
    expect(result.stderr).toContain('migrations: up to date');
  }, 60_000);

  it('explains a bad setting in one line', () => {
    const result = spawnSync(process.execPath, ['--disable-warning=ExperimentalWarning', main, 'migrate'], {
      env: { ...env, PORT: 'eighty' },
      encoding: 'utf8',
    });
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe('iperform: PORT must be an integer from 0 to 65535, got "eighty"');
  });
});
