/**
 * The two writes a sales team makes most, timed one request at a time (BENCH_WRITES of each, after a warm-up):
 * creating a lead (POST /leads, assigned by the rules) and moving it to the next stage (POST /leads/{id}/stage).
 * Prints p50/p95/p99 per write; passes or fails nothing. Run it on two commits to see what a change costs.
 */
export interface WriteTiming {
  name: string;
  p50: number;
  p95: number;
  p99: number;
  count: number;
  failed: number;
}

const COUNT = Number(process.env.BENCH_WRITES ?? 500);
const WARMUP = 50;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

export async function runWritesBench(base: string, token: string): Promise<WriteTiming[]> {
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const create: number[] = [];
  const move: number[] = [];
  let failed = 0;
  for (let i = 0; i < WARMUP + COUNT; i++) {
    let started = performance.now();
    const res = await fetch(`${base}/api/v1/leads`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        name: `Bench Lead ${i}`,
        companyName: `Bench Co ${i % 97}`,
        phones: [`+9198${String(10_000_000 + i).padStart(8, '0')}`],
        source: 'api',
        city: 'Pune',
      }),
    });
    const lead = (await res.json()) as { id: string; version: number };
    const createMs = performance.now() - started;
    if (res.status !== 201) {
      failed++;
      continue;
    }
    started = performance.now();
    const moved = await fetch(`${base}/api/v1/leads/${lead.id}/stage`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ stage: 'demo', version: lead.version }),
    });
    await moved.arrayBuffer();
    const moveMs = performance.now() - started;
    if (moved.status !== 200) failed++;
    if (i >= WARMUP) {
      create.push(createMs);
      move.push(moveMs);
    }
  }
  const out: WriteTiming[] = [];
  for (const [name, times] of [
    ['POST /leads', create],
    ['POST /leads/{id}/stage', move],
  ] as const) {
    const sorted = [...times].sort((a, b) => a - b);
    const timing = {
      name,
      p50: percentile(sorted, 50),
      p95: percentile(sorted, 95),
      p99: percentile(sorted, 99),
      count: sorted.length,
      failed,
    };
    out.push(timing);
    console.log(
      `${name.padEnd(24)} p50 ${timing.p50.toFixed(1)} ms   p95 ${timing.p95.toFixed(1)} ms   p99 ${timing.p99.toFixed(1)} ms   (${timing.count}, ${failed} failed)`,
    );
  }
  return out;
}
