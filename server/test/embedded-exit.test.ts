import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const script = resolve(import.meta.dirname, 'fixtures/embedded/exit-code.ts');

describe('the embedded PostgreSQL', () => {
  it('leaves the exit code the process chose (a failed test run must not end with 0)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'iperform-exit-'));
    try {
      const result = spawnSync(process.execPath, ['--disable-warning=ExperimentalWarning', script, dir, '3'], {
        encoding: 'utf8',
        timeout: 90_000,
      });
      expect(result.status, result.stderr).toBe(3);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
