import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DB } from '../../db/index.js';
import { grantExemption, revokeExemption } from '../../db/queries/exemptions.js';
import { approvedExtensions } from '../../db/queries/extensions.js';
import { loadBranchFacts } from '../../db/queries/progress.js';
import { listTimedReportStates, reviewReport, submitReport, withdrawReport } from '../../db/queries/reports.js';
import { branchId, freshDb, loadPlan, loadRoster, obligationId, personId } from '../helpers/db.js';

let db: DB;
let planId: number;
let zx1: number;
let zx2: number;
let secretary: number;
const ob: Record<string, number> = {};
const meta = (iso: string) => ({ actor: 'test', now: new Date(iso) });

beforeAll(async () => {
  db = (await freshDb()).db;
  planId = (await loadPlan(db)).planId;
  await loadRoster(db);
  zx1 = await branchId(db, 'YQ-ZX1');
  zx2 = await branchId(db, 'YQ-ZX2');
  secretary = await personId(db, 'U0SEC00001');
  for (const code of ['A01-EVENT', 'A01-LOVE', 'A06-RISKS', 'A07-COBUILD']) ob[code] = await obligationId(db, code);
});
afterAll(async () => {
  await db.destroy();
});

const extension = (obligation: number, branch: number, newDue: string, status: string, decidedAt: string | null) => ({
  obligation_id: obligation,
  branch_id: branch,
  requested_by: secretary,
  requested_at: '2011-05-01T00:00:00.000Z',
  new_due: newDue,
  reason: '延期',
  status: status as 'approved',
  decided_by: null,
  decided_at: decidedAt,
  decision_comment: null,
});

describe('what decides a branch’s items, one read each', () => {
  it('when a task was extended more than once, then the extension decided last gives the date, whatever the order of the requests', async () => {
    await db
      .insertInto('extensions')
      .values([
        // Requested first, decided last: this one applies.
        extension(ob['A01-EVENT']!, zx1, '2011-07-20', 'approved', '2011-06-10T00:00:00.000Z'),
        extension(ob['A01-EVENT']!, zx1, '2011-07-10', 'approved', '2011-06-05T00:00:00.000Z'),
        extension(ob['A01-EVENT']!, zx1, '2011-08-31', 'refused', '2011-06-20T00:00:00.000Z'),
        extension(ob['A01-LOVE']!, zx1, '2011-09-01', 'pending', null),
        extension(ob['A01-LOVE']!, zx2, '2011-07-05', 'approved', '2011-06-01T00:00:00.000Z'),
      ])
      .execute();
    const facts = await loadBranchFacts(db, planId);
    expect(facts.extensions).toEqual(
      new Map([
        [zx1, new Map([[ob['A01-EVENT']!, '2011-07-20']])],
        [zx2, new Map([[ob['A01-LOVE']!, '2011-07-05']])],
      ]),
    );
    expect(await approvedExtensions(db, planId, [zx2])).toEqual(
      new Map([[zx2, new Map([[ob['A01-LOVE']!, '2011-07-05']])]]),
    );
  });

  it('when exemptions are granted and one revoked, then only the standing ones are read', async () => {
    const grant = { reason: '不适用', grantedBy: secretary };
    await grantExemption(db, { obligationId: ob['A06-RISKS']!, branchId: zx1, ...grant }, meta('2011-05-02T00:00:00Z'));
    await grantExemption(
      db,
      { obligationId: ob['A07-COBUILD']!, branchId: zx1, ...grant },
      meta('2011-05-02T00:00:00Z'),
    );
    await revokeExemption(
      db,
      { obligationId: ob['A07-COBUILD']!, branchId: zx1, reason: null },
      meta('2011-05-03T00:00:00Z'),
    );
    expect((await loadBranchFacts(db, planId)).exemptions).toEqual(new Map([[zx1, new Set([ob['A06-RISKS']!])]]));
  });

  it('when reports are submitted, late, returned and withdrawn, then each is read with its status and on-time flag, and with its time for the chart', async () => {
    const report = (obligation: number, onTime: boolean) => ({
      obligationId: obligation,
      branchId: zx2,
      heldOn: '2011-05-01',
      participants: 10,
      summary: '开展了活动',
      evidence: [],
      submittedBy: secretary,
      onTime,
    });
    await submitReport(db, report(ob['A01-EVENT']!, true), meta('2011-05-05T02:00:00Z'));
    await submitReport(db, report(ob['A01-LOVE']!, false), meta('2011-07-02T02:00:00Z'));
    const returned = await submitReport(db, report(ob['A06-RISKS']!, true), meta('2011-05-06T02:00:00Z'));
    const withdrawn = await submitReport(db, report(ob['A07-COBUILD']!, true), meta('2011-05-07T02:00:00Z'));
    if (returned.outcome !== 'stored' || withdrawn.outcome !== 'stored') throw new Error('not stored');
    await reviewReport(
      db,
      { reportId: returned.report.id, version: 1, leaderId: secretary, decision: 'return', comment: '补充' },
      meta('2011-05-08T00:00:00Z'),
    );
    await withdrawReport(
      db,
      { reportId: withdrawn.report.id, expectedStatus: 'submitted' },
      meta('2011-05-09T00:00:00Z'),
    );
    const timed = (await listTimedReportStates(db, planId)).sort((a, b) => a.obligationId - b.obligationId);
    expect(timed).toEqual([
      {
        obligationId: ob['A01-EVENT'],
        branchId: zx2,
        status: 'submitted',
        onTime: true,
        submittedAt: '2011-05-05T02:00:00.000Z',
      },
      {
        obligationId: ob['A01-LOVE'],
        branchId: zx2,
        status: 'submitted',
        onTime: false,
        submittedAt: '2011-07-02T02:00:00.000Z',
      },
      {
        obligationId: ob['A06-RISKS'],
        branchId: zx2,
        status: 'returned',
        onTime: true,
        submittedAt: '2011-05-06T02:00:00.000Z',
      },
      {
        obligationId: ob['A07-COBUILD'],
        branchId: zx2,
        status: 'withdrawn',
        onTime: true,
        submittedAt: '2011-05-07T02:00:00.000Z',
      },
    ]);
    // The planners' read is the same rows without the times.
    const states = [...(await loadBranchFacts(db, planId)).reports].sort((a, b) => a.obligationId - b.obligationId);
    expect(states).toEqual(timed.map(({ submittedAt: _, ...state }) => state));
    expect((await loadBranchFacts(db, planId + 1)).reports).toEqual([]);
  });
});
