import type { Kysely } from 'kysely';
import type { CommitmentRate } from '../../src/domain/commitments.js';
import type { LocalDate } from '../../src/domain/types.js';
import type { Database } from '../schema.js';
import { commitmentRates } from './commitments.js';
import { evaluationResults, type EvaluationResult } from './evaluation.js';
import type { Plan } from './plans.js';

/*
 * The two components whose data come from members' commitments (db/queries/commitments.ts) and the
 * year-end evaluation (db/queries/evaluation.ts), keyed by branch id. A branch with no data for a
 * component (no round closed, nobody asked to commit) has it left out of its assessment, its weight
 * spread over the others.
 */

/**
 * Fulfilment is assessed at the year end: before the plan's `commitments.fulfilment.opens` nobody
 * has been asked to report it yet, so the component holds no data and is left out.
 */
export async function commitmentInputs(
  db: Kysely<Database>,
  plan: Pick<Plan, 'id' | 'settings'>,
  today: LocalDate,
): Promise<Map<number, CommitmentRate>> {
  const opens = plan.settings.commitments?.fulfilment.opens;
  if (opens === undefined || today < opens) return new Map();
  const rates = await commitmentRates(db, plan.id);
  return new Map([...rates].map(([id, rate]) => [Number(id), rate]));
}

export async function evaluationInputs(db: Kysely<Database>, planId: number): Promise<Map<number, EvaluationResult>> {
  const results = await evaluationResults(db, planId);
  return new Map([...results].map(([id, result]) => [Number(id), result]));
}
