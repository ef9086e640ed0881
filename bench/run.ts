/**
 * `npm run bench`: runs every bench/*.bench.ts in its own process, one after another (these
 * machines are shared; never two benchmarks at once), and writes their Markdown to BENCHMARKS.md.
 * A benchmark prints its own section (a `## Title`, what was measured, the numbers and ratios).
 * `npm run bench -- NAME` runs only the benchmarks whose file name contains NAME.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const dir = import.meta.dirname;
const filter = process.argv[2];
const files = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts') && (!filter || f.includes(filter)))
  .sort();

const sections: string[] = [];
let failed = false;
for (const file of files) {
  console.log(`running ${file} …`);
  const run = spawnSync(process.execPath, ['--import', 'tsx', path.join(dir, file)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.status !== 0) {
    failed = true;
    sections.push(`## ${file}\n\nFAILED (exit ${run.status}).\n`);
  } else sections.push(run.stdout.trim());
  console.log(run.stdout);
}

const header = [
  '# Benchmarks',
  '',
  `Written by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}.`,
  'These machines are shared and noisy: compare the ratios measured within one run, not absolute times across runs.',
  '',
].join('\n');
if (!filter) fs.writeFileSync(path.join(dir, '..', 'BENCHMARKS.md'), `${header}\n${sections.join('\n\n')}\n`);
process.exit(failed ? 1 : 0);
