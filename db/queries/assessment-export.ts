import type { Kysely } from 'kysely';
import type { Inspection, RectificationItem } from '../../src/domain/inspections.js';
import type { LocalDate } from '../../src/domain/types.js';
import type { Database } from '../schema.js';
import { loadAssessment, type AssessmentData } from './assessment.js';
import { listInspections, listRectificationItems } from './inspections.js';
import type { Plan } from './plans.js';
import type { RankingData } from './rankings.js';

/**
 * The export's assessment, summary and inspections sheets (src/files/workbook-assessment.ts): the
 * assessment as /rankings year computes it (its inputs, the evaluation's among them, ride on its
 * parts), and every inspection with its rectification tasks for the summary and the history.
 * `data` when the caller already read the ranking's (the export does).
 */
export interface AssessmentExport extends AssessmentData {
  inspections: Inspection[];
  items: RectificationItem[];
}

export async function loadAssessmentExport(
  db: Kysely<Database>,
  plan: Plan,
  today: LocalDate,
  data?: RankingData,
): Promise<AssessmentExport> {
  const [assessed, inspections, items] = await Promise.all([
    loadAssessment(db, plan, today, data),
    listInspections(db, plan.id),
    listRectificationItems(db, plan.id),
  ]);
  return { ...assessed, inspections, items };
}
