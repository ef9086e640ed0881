/** Inspections recorded through the modal, as a leader or an admin does, for tests that need one. */
import type { TestBot } from './bot.js';
import { errorsOf, select, slash, submit, text } from './projects.js';
import { shownView } from './reporting.js';

const date = (d: string | null) => ({ value: { type: 'datepicker', selected_date: d } });
const checks = (values: string[]) => ({
  value: { type: 'checkboxes', selected_options: values.map((value) => ({ value })) },
});

export interface InspectionInput {
  heldOn?: string;
  kind?: string;
  rating?: string;
  twoSkins?: boolean;
  checked?: string;
  findings?: string;
  /** One task a line, `YYYY-MM-DD text` (a branch's) or `CODE YYYY-MM-DD text` (the county's). */
  items?: string;
}

export function inspectionValues(v: InspectionInput) {
  return {
    held_on: date(v.heldOn ?? '2011-06-17'),
    kind: select(v.kind ?? 'roving'),
    rating: select(v.rating ?? 'average'),
    two_skins: checks(v.twoSkins ? ['yes'] : []),
    checked: text(v.checked ?? '党员活动记录、三会一课台账'),
    findings: text(v.findings ?? '组织生活记录不全'),
    items: text(v.items ?? ''),
  };
}

/** `/inspect TARGET` (a branch code, or `all`), then the modal submitted; throws on a field error. */
export async function recordInspection(bot: TestBot, user: string, target: string, v: InspectionInput = {}) {
  await slash(bot, user, '/inspect', target);
  const res = await submit(bot, user, shownView(bot), inspectionValues(v));
  const errors = errorsOf(res);
  if (errors) throw new Error(`inspection refused: ${JSON.stringify(errors)}`);
  await bot.settled();
}
