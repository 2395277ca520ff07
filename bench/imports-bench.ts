/**
 * The import benchmark (BENCH_ONLY=imports): a generated CSV of BENCH_IMPORT_ROWS leads (100,000 by default, ten
 * columns: names, email, phone, company, city, source, status, amount, close date) goes through the API as a
 * person would: upload, mapping (the suggested one plus a lost reason), dry run, run; the import then runs in the
 * server's own job worker while this process polls its progress and samples the server's memory. Prints the
 * seconds of each step, rows per second and the server's peak RSS; passes or fails nothing.
 */
import { readFileSync } from 'node:fs';
import { DEMO_PASSWORD } from '../server/src/composition/demo-seed.ts';

const first = (
  'Aarav Aditi Aditya Akash Ananya Anand Anil Anita Anjali Ankit Arjun Arun Asha Ayesha Bhavna Chetan Deepa Deepak ' +
  'Dev Divya Farah Gaurav Geeta Harish Isha Ishaan Jaya Karan Kavya Kiran Krishna Lakshmi Mahesh Manish Meena ' +
  'Meera Mohan Nandini Naveen Neha Nikhil Nisha Pallavi Pooja Prakash Pranav Priya Rahul Rajesh Rakesh Ramesh Ravi ' +
  'Rekha Ritu Rohan Sachin Sameer Sanjay Sarita Shreya Siddharth Sneha Sunil Sunita Suresh Swati Tanvi Tarun Uma ' +
  'Varun Vijay Vikram Vinod Yash Zoya Imran Fatima Harpreet Gurpreet Joseph Mary Thomas'
).split(' ');
const last = (
  'Agarwal Bansal Banerjee Bhat Chatterjee Chopra Das Desai Dutta Gill Gupta Iyer Iyengar Jain Joshi Kapoor Khan ' +
  'Khanna Kulkarni Kumar Malhotra Mehta Menon Mishra Nair Pandey Patel Patil Pillai Rao Reddy Saxena Sethi Shah ' +
  'Sharma Shetty Singh Sinha Srinivasan Thakur Trivedi Varghese Verma Yadav Qureshi Fernandes DSouza Mukherjee ' +
  'Ghosh Sandhu'
).split(' ');
const companies =
  'Sunrise Lotus Ganga Himalaya Orbit Pioneer Trident Zenith Apex Vertex Shakti Kaveri Sahyadri Indus Nirmal Sagar'.split(
    ' ',
  );
const suffixes = 'Textiles Pharma Infotech Motors Foods Exports Builders Logistics Traders Engineering'.split(' ');
const cities =
  'Mumbai Pune Nagpur Ahmedabad Surat Delhi Gurugram Noida Lucknow Jaipur Bengaluru Chennai Hyderabad Kochi Kolkata'.split(
    ' ',
  );
const sources = ['Web', 'Referral', 'Facebook', 'Trade show', 'Cold call', 'Partner'];
const statuses = ['New', 'New', 'New', 'Contacted', 'Qualified', 'Won', 'Lost'];

/** A deterministic pick, so two runs import the same file. */
const at = <T>(list: T[], n: number) => list[n % list.length] as T;

export function generateCsv(rows: number): Buffer {
  const lines = ['First Name,Last Name,Email,Mobile Phone,Company,City,Lead Source,Status,Amount,Close Date'];
  for (let i = 0; i < rows; i++) {
    // 82 first names x 50 family names x 26 initials: every row a different person up to 106,600 rows.
    const f = at(first, i);
    const l = at(last, Math.floor(i / first.length));
    const initial = String.fromCharCode(65 + (Math.floor(i / (first.length * last.length)) % 26));
    const status = at(statuses, i * 3);
    const amount =
      status === 'Won' || i % 3 === 0 ? `"${(5000 + ((i * 7919) % 2_000_000)).toLocaleString('en-IN')}"` : '';
    const day = String(1 + (i % 28)).padStart(2, '0');
    const month = String(1 + (i % 12)).padStart(2, '0');
    lines.push(
      [
        f,
        `${initial}. ${l}`,
        `${f}.${l}.${i}@example.in`.toLowerCase(),
        `+91 9${String(800_000_000 + i).padStart(9, '0')}`,
        `${at(companies, i)} ${at(suffixes, Math.floor(i / 16))} ${Math.floor(i / 160)}`,
        at(cities, i * 11),
        at(sources, i * 5),
        status,
        amount,
        i % 2 === 0 ? `${day}/${month}/2027` : '',
      ].join(','),
    );
  }
  return Buffer.from(`${lines.join('\r\n')}\r\n`);
}

/** The server's live JavaScript heap (its Prometheus metrics), in MiB. */
async function heapUsed(base: string): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  return Number(text.match(/^iperform_nodejs_heap_size_used_bytes (\S+)/m)?.[1] ?? 0) / 2 ** 20;
}

/** The server's resident memory now and at its peak (Linux /proc), in MiB. */
function memory(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (key: string) => Number(status.match(new RegExp(`${key}:\\s+(\\d+)`))?.[1] ?? 0);
  return { rss: kib('VmRSS') / 1024, peak: kib('VmHWM') / 1024 };
}

export interface ImportFigures {
  rows: number;
  fileMiB: number;
  upload: number;
  dryRun: number;
  run: number;
  counts: Record<string, number>;
  rssBefore: number;
  rssMax: number;
  peak: number;
  heapBefore: number;
  heapMax: number;
  /** Heap and RSS (MiB) when each fifth of the rows was done: flat when memory does not grow with rows. */
  series: { rows: number; heap: number; rss: number }[];
}

export async function runImportsBench(base: string, serverPid: number): Promise<ImportFigures> {
  const rows = Number(process.env.BENCH_IMPORT_ROWS ?? 100_000);
  const login = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'admin@demo.test', password: DEMO_PASSWORD }),
  });
  const { accessToken } = (await login.json()) as { accessToken: string };
  const auth = { authorization: `Bearer ${accessToken}` };
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${base}/api/v1${path}`, {
      method,
      headers: { ...auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    return response.json() as Promise<Record<string, unknown>>;
  };

  const file = generateCsv(rows);
  console.log(`import: ${rows.toLocaleString('en')} rows, ${(file.length / 2 ** 20).toFixed(1)} MiB of CSV`);
  const rssBefore = memory(serverPid).rss;
  const heapBefore = await heapUsed(base);
  let heapMax = heapBefore;
  const series: ImportFigures['series'] = [];
  let rssMax = rssBefore;
  const sampler = setInterval(() => {
    rssMax = Math.max(rssMax, memory(serverPid).rss);
  }, 200);
  try {
    let started = performance.now();
    const form = new FormData();
    form.append('file', new Blob([file]), 'bench-leads.csv');
    const uploaded = await fetch(`${base}/api/v1/imports`, { method: 'POST', headers: auth, body: form });
    if (uploaded.status !== 201) throw new Error(`upload: ${uploaded.status} ${await uploaded.text()}`);
    const imp = (await uploaded.json()) as { id: string; suggestedMapping: { columns: Record<string, string> } };
    const upload = (performance.now() - started) / 1000;
    console.log(`upload and parse: ${upload.toFixed(1)} s`);

    const mapping = { ...imp.suggestedMapping, constants: { lostReason: 'Imported as lost' } };
    await call('PUT', `/imports/${imp.id}/mapping`, { mapping });
    started = performance.now();
    const dry = await call('POST', `/imports/${imp.id}/dry-run`, { onDuplicate: 'create' });
    const dryRun = (performance.now() - started) / 1000;
    console.log(
      `dry run: ${dryRun.toFixed(1)} s (create ${dry.create}, fail ${dry.fail}, duplicates ${dry.duplicates})`,
    );

    started = performance.now();
    await call('POST', `/imports/${imp.id}/run`, { onDuplicate: 'create' });
    let detail: Record<string, unknown> = {};
    for (;;) {
      await new Promise((r) => setTimeout(r, 500));
      detail = await call('GET', `/imports/${imp.id}`);
      const heap = await heapUsed(base);
      heapMax = Math.max(heapMax, heap);
      const done = (detail.progress as { rowsDone: number }).rowsDone;
      if (done >= ((series.length + 1) * rows) / 5) series.push({ rows: done, heap, rss: memory(serverPid).rss });
      const progress = detail.progress as { rowsDone: number };
      if (detail.status === 'done' || detail.status === 'failed') break;
      process.stdout.write(
        `\r  ${progress.rowsDone.toLocaleString('en')} rows done, ${memory(serverPid).rss.toFixed(0)} MiB RSS   `,
      );
    }
    const run = (performance.now() - started) / 1000;
    console.log(`\nrun: ${run.toFixed(1)} s, ${detail.status}, ${JSON.stringify(detail.counts)}`);
    return {
      rows,
      fileMiB: file.length / 2 ** 20,
      upload,
      dryRun,
      run,
      counts: detail.counts as Record<string, number>,
      rssBefore,
      rssMax,
      peak: memory(serverPid).peak,
      heapBefore,
      heapMax,
      series,
    };
  } finally {
    clearInterval(sampler);
  }
}

export function importsTable(f: ImportFigures): string {
  const total = f.upload + f.run;
  return [
    '| step | seconds | rows/s |',
    '| --- | ---: | ---: |',
    `| upload and parse (${f.fileMiB.toFixed(1)} MiB) | ${f.upload.toFixed(1)} | ${Math.round(f.rows / f.upload).toLocaleString('en')} |`,
    `| dry run | ${f.dryRun.toFixed(1)} | ${Math.round(f.rows / f.dryRun).toLocaleString('en')} |`,
    `| run (jobs, 2,000 rows per chunk) | ${f.run.toFixed(1)} | ${Math.round(f.rows / f.run).toLocaleString('en')} |`,
    `| upload + run | ${total.toFixed(1)} | ${Math.round(f.rows / total).toLocaleString('en')} |`,
    '',
    `Memory along the run: ${f.series.map((p) => `${Math.round(p.rows / 1000)}k rows: heap ${p.heap.toFixed(0)} MiB, RSS ${p.rss.toFixed(0)} MiB`).join('; ')}.`,
    `Outcome: ${JSON.stringify(f.counts)}. Server RSS: ${f.rssBefore.toFixed(0)} MiB before, at most ${f.rssMax.toFixed(0)} MiB while importing (peak since start ${f.peak.toFixed(0)} MiB); JavaScript heap in use: ${f.heapBefore.toFixed(0)} MiB before, at most ${f.heapMax.toFixed(0)} MiB while the import ran.`,
  ].join('\n');
}
