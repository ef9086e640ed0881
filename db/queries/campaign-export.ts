import type { Kysely } from 'kysely';
import type { ProjectStage, ScoreSheet } from '../../src/domain/projects.js';
import type { Category } from '../../src/domain/types.js';
import type { Database } from '../schema.js';
import { listNominations, type NominationView } from './commendations.js';
import type { Plan } from './plans.js';
import { projectExportRows, reviewSheets } from './projects.js';

/** The export's projects and commendations sheets (src/files/workbook-campaign.ts), read in one go. */
export interface CampaignExport {
  projects: {
    id: number;
    branchCode: string;
    branchName: string;
    branchCategory: Category;
    title: string;
    stage: ProjectStage;
    registeredAt: string;
    appliedAt: string | null;
    assigned: number;
    scored: number;
    /** The assessors' sheets, once every one of them has scored (the guarded read's rule). */
    sheets: ScoreSheet[] | null;
    /** The confirmed award's tier; null before the confirmation or when not awarded. */
    tier: string | null;
  }[];
  nominations: NominationView[];
}

export async function loadCampaignExport(db: Kysely<Database>, plan: Plan): Promise<CampaignExport> {
  const [rows, reviewed, branches, nominations] = await Promise.all([
    plan.settings.projects ? projectExportRows(db, plan.id) : Promise.resolve([]),
    plan.settings.projects ? reviewSheets(db, plan.id) : Promise.resolve([]),
    db.selectFrom('branches').select(['id', 'code', 'name', 'category']).execute(),
    plan.settings.commendations ? listNominations(db, plan.id) : Promise.resolve([]),
  ]);
  const branchOf = new Map(branches.map((b) => [b.id, b]));
  const sheetsOf = new Map(reviewed.map((r) => [r.project.id, r.sheets]));
  return {
    projects: rows.map((r) => {
      const b = branchOf.get(r.project.branchId);
      return {
        id: r.project.id,
        branchCode: b?.code ?? '',
        branchName: b?.name ?? '',
        branchCategory: (b?.category ?? 'unit') as Category,
        title: r.project.title,
        stage: r.project.stage,
        registeredAt: r.project.registeredAt,
        appliedAt: r.project.appliedAt,
        assigned: r.assigned,
        scored: r.scored,
        sheets: sheetsOf.get(r.project.id) ?? null,
        tier: r.tier,
      };
    }),
    nominations: nominations.filter((n) => n.status !== 'withdrawn'),
  };
}
