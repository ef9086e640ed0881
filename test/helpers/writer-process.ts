/**
 * One OS process of the two-writers test (test/db-writers.test.ts): opens the store through
 * db/index.ts, says "ready", waits for "go" on stdin so both processes start writing together,
 * then submits the same branch's report `count` times (each a read-then-write transaction, as a
 * secretary's /report is) and prints what happened as one JSON line.
 */
import readline from 'node:readline';
import { openDatabase } from '../../db/index.js';
import { submitReport } from '../../db/queries/reports.js';
import { branchId, obligationId, personId } from './db.js';

const [file, countText, label] = process.argv.slice(2);
const count = Number(countText);
const db = openDatabase(file!);
const ids = {
  obligation: await obligationId(db, 'A07-COBUILD'),
  branch: await branchId(db, 'YQ-ZX1'),
  person: await personId(db, 'U0SEC00001'),
};

const lines = readline.createInterface({ input: process.stdin });
process.stdout.write('ready\n');
await new Promise<void>((resolve) => lines.once('line', () => resolve()));
lines.close();

let stored = 0;
const errors: string[] = [];
for (let i = 0; i < count; i++) {
  try {
    const r = await submitReport(
      db,
      {
        obligationId: ids.obligation,
        branchId: ids.branch,
        heldOn: '2011-05-04',
        participants: i + 1,
        summary: `${label} ${i}`,
        evidence: [],
        submittedBy: ids.person,
        onTime: true,
        submissionKey: `${label}-${i}`,
      },
      { actor: 'U0SEC00001', now: new Date('2011-05-05T00:00:00Z') },
    );
    if (r.outcome === 'stored') stored++;
    else errors.push(r.outcome);
  } catch (err) {
    errors.push(`${(err as { code?: string }).code ?? ''} ${(err as Error).message}`);
  }
}
await db.destroy();
process.stdout.write(`${JSON.stringify({ stored, errors: errors.slice(0, 5), failed: errors.length })}\n`);
