/**
 * What the soak measures: each request's latency by type (with errors), and the server's memory over time.
 * Kept in plain arrays: a 10-minute run of 500 users records about 100,000 latencies.
 */

export interface TypeStats {
  latencies: number[];
  errors: number;
  /** Status (or error name) of the first few failures, to say what went wrong. */
  samples: string[];
}

export class Recorder {
  readonly types = new Map<string, TypeStats>();

  private of(type: string): TypeStats {
    let stats = this.types.get(type);
    if (!stats) {
      stats = { latencies: [], errors: 0, samples: [] };
      this.types.set(type, stats);
    }
    return stats;
  }

  ok(type: string, ms: number): void {
    this.of(type).latencies.push(ms);
  }

  failed(type: string, ms: number, why: string): void {
    const stats = this.of(type);
    stats.latencies.push(ms);
    stats.errors++;
    if (stats.samples.length < 3 && !stats.samples.includes(why)) stats.samples.push(why);
  }
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

export interface MemorySample {
  /** Seconds since the sessions started. */
  at: number;
  rssMiB: number;
  heapUsedMiB: number | null;
}

/** Least-squares slope of RSS against time over the samples at or after `from` seconds, in MiB per minute. */
export function slope(samples: MemorySample[], from: number): number {
  const points = samples.filter((s) => s.at >= from);
  if (points.length < 2) return Number.NaN;
  const n = points.length;
  const mx = points.reduce((a, s) => a + s.at / 60, 0) / n;
  const my = points.reduce((a, s) => a + s.rssMiB, 0) / n;
  let num = 0;
  let den = 0;
  for (const s of points) {
    num += (s.at / 60 - mx) * (s.rssMiB - my);
    den += (s.at / 60 - mx) ** 2;
  }
  return den === 0 ? Number.NaN : num / den;
}

const ms = (v: number) => (Number.isNaN(v) ? '-' : `${v.toFixed(1)} ms`);

/** The per-type table as markdown (docs/benchmarks.md shows it as printed). */
export function latencyTable(recorder: Recorder, seconds: number, interactive: (type: string) => boolean): string {
  const lines = [
    '| request | count | req/s | p50 | p95 | p99 | errors |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  const rows = [...recorder.types.entries()].sort(([a], [b]) => a.localeCompare(b));
  let total = 0;
  let errors = 0;
  for (const [type, stats] of rows) {
    const sorted = [...stats.latencies].sort((a, b) => a - b);
    total += sorted.length;
    errors += stats.errors;
    const label = interactive(type) ? type : `${type} (not interactive)`;
    lines.push(
      `| ${label} | ${sorted.length.toLocaleString('en')} | ${(sorted.length / seconds).toFixed(1)} | ${ms(percentile(sorted, 50))} | ${ms(percentile(sorted, 95))} | ${ms(percentile(sorted, 99))} | ${stats.errors}${stats.samples.length ? ` (${stats.samples.join('; ')})` : ''} |`,
    );
  }
  lines.push(`| **all** | ${total.toLocaleString('en')} | ${(total / seconds).toFixed(1)} | | | | ${errors} |`);
  return lines.join('\n');
}

export function memoryTable(samples: MemorySample[]): string {
  const lines = ['| minute | server RSS | JS heap used |', '| ---: | ---: | ---: |'];
  for (const s of samples) {
    lines.push(
      `| ${(s.at / 60).toFixed(1)} | ${s.rssMiB.toFixed(0)} MiB | ${s.heapUsedMiB === null ? '-' : `${s.heapUsedMiB.toFixed(0)} MiB`} |`,
    );
  }
  return lines.join('\n');
}
