import type { LocalDate, Obligation } from '../../src/domain/types.js';

/**
 * An obligation for unit tests: a report task of plan 1 that applies to every branch, weight 1,
 * titled with its code in both languages, in position `id`; `over` changes the rest.
 */
export function anObligation(id: number, code: string, due: LocalDate, over: Partial<Obligation> = {}): Obligation {
  return {
    id,
    planId: 1,
    activityCode: code.slice(0, 3),
    code,
    title: { zh: code, en: code },
    description: null,
    kind: 'report',
    paperKinds: [],
    appliesTo: { kind: 'all' },
    due,
    weight: 1,
    position: id,
    ...over,
  };
}
