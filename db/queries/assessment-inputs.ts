import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';

/*
 * The two components whose data come from commitments and the evaluation (#12), built in
 * parallel: their input types are declared here as that contract gives them, and the
 * loaders return no data until then. A branch with no data for a component has it left out of its
 * assessment (its weight spread over the others), so an empty map is an honest "not held yet".
 */

export interface CommitmentRate {
  required: number;
  committed: number;
  fulfilled: number;
  partly: number;
  confirmed: number;
}

export interface EvaluationResult {
  ballots: number;
  eligible: number | null;
  turnout: number | null;
  counts: Record<string, number>;
  /** A rate 0–1. */
  satisfaction: number | null;
}

export async function commitmentInputs(_db: Kysely<Database>, _planId: number): Promise<Map<number, CommitmentRate>> {
  // wired to commitmentRates/evaluationResults when #12 lands
  return Promise.resolve(new Map());
}

export async function evaluationInputs(_db: Kysely<Database>, _planId: number): Promise<Map<number, EvaluationResult>> {
  // wired to commitmentRates/evaluationResults when #12 lands
  return Promise.resolve(new Map());
}
