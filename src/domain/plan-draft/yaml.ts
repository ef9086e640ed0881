/**
 * A drafted plan as a plan file (docs/plan-format.md), with a comment beside each value the draft
 * chose saying where it came from, so the office checks the file rather than the tool.
 */
import { Document, isMap, isScalar, isSeq, type Node } from 'yaml';
import { CalendarSchema, ReminderSettingsSchema, ScoringSchema } from '../plan-settings.js';
import { TODO_EN, type PlanDraft } from './draft.js';

export interface RenderOptions {
  /** What the draft was made from, for the header (a file name). */
  source?: string;
}

function bilingual(zh: string, max: number) {
  const en = `${TODO_EN}: ${zh}`;
  return { zh, en: en.length <= max ? en : `${en.slice(0, max - 1)}…` };
}

/** The draft as YAML that `plan import` reads; comments name each rule, TODO marks what the text does not say. */
export function renderDraftYaml(draft: PlanDraft, options: RenderOptions = {}): string {
  const doc = new Document({
    year: draft.year,
    title: bilingual(draft.title, 150),
    timezone: 'Asia/Shanghai',
    starts: draft.starts,
    ends: draft.ends,
    reminders: ReminderSettingsSchema.parse({}),
    scoring: ScoringSchema.parse({}),
    calendar: CalendarSchema.parse({}),
    activities: draft.activities.map((a) => ({
      code: a.code,
      title: bilingual(a.title, 150),
      ...(a.description === null ? {} : { description: { zh: a.description, en: `${TODO_EN}: English description` } }),
      obligations: a.obligations.map((o) => ({
        code: o.code,
        title: bilingual(o.title, 150),
        kind: o.kind,
        ...(o.paperKinds ? { paper_kinds: o.paperKinds } : {}),
        applies_to: o.appliesTo,
        due: o.due.day,
        weight: 1,
      })),
    })),
  });

  const file = options.source ?? 'the document';
  doc.commentBefore = [
    ` Drafted by \`plan draft\` from ${file}: a draft for the office to check before importing.`,
    " - TODO marks what the text does not say: due dates it gives no date for (set to the plan's end),",
    `   the English titles and descriptions (${TODO_EN}), and any date moved into the plan's period.`,
    ' - The comment beside each due date, applies_to and paper_kinds says which words it came from;',
    '   check who each obligation applies to, its kind and weight (all 1), and add what the text implies',
    '   but does not date (the shipped plans/2011-education.yaml is an example of a finished plan).',
    ' - Codes are A01, A01-1 …: rename them now if you like; once the plan is in use, keep them.',
    ' Then: npm run cli -- plan import THIS-FILE --dry-run',
  ].join('\n');

  at(doc, ['year']).comment = ` ${draft.yearNote}`;
  at(doc, ['title', 'zh']).comment = ` ${draft.titleNote}`;
  at(doc, ['starts']).comment = ` ${draft.startsNote}`;
  at(doc, ['ends']).comment = ' the end of the campaign year';
  at(doc, ['reminders']).commentBefore = ' the defaults (docs/plan-format.md); change them as the county does';
  for (const path of [
    ['title', 'zh'],
    ['title', 'en'],
    ['reminders', 'time'],
  ])
    quote(at(doc, path));
  flow(at(doc, ['reminders', 'days_before']));

  draft.activities.forEach((a, ai) => {
    const activity = at(doc, ['activities', ai]);
    activity.commentBefore = ` line ${a.line}: ${a.marker}`;
    if (ai > 0) activity.spaceBefore = true;
    quote(at(doc, ['activities', ai, 'title', 'zh']));
    quote(at(doc, ['activities', ai, 'title', 'en']));
    if (a.description !== null) {
      quote(at(doc, ['activities', ai, 'description', 'zh']));
      quote(at(doc, ['activities', ai, 'description', 'en']));
    }
    a.obligations.forEach((o, oi) => {
      const base = ['activities', ai, 'obligations', oi];
      quote(at(doc, [...base, 'title', 'zh']));
      quote(at(doc, [...base, 'title', 'en']));
      const applies = at(doc, [...base, 'applies_to']);
      flow(applies);
      applies.comment = ` ${o.appliesNote}`;
      if (o.paperKinds) {
        const kinds = at(doc, [...base, 'paper_kinds']);
        flow(kinds);
        kinds.comment = ` ${o.paperKindsNote}`;
      }
      at(doc, [...base, 'due']).comment = ` ${o.due.comment}`;
    });
  });

  return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}

function at(doc: Document, path: (string | number)[]): Node {
  const node = doc.getIn(path, true);
  if (!node || !(isScalar(node) || isMap(node) || isSeq(node))) throw new Error(`no node at ${path.join('.')}`);
  return node as Node;
}

function quote(node: Node): void {
  if (isScalar(node)) node.type = 'QUOTE_DOUBLE';
}

/** Written on one line, as the shipped plan writes applies_to and lists; what is inside follows. */
function flow(node: Node): void {
  if (isMap(node) || isSeq(node)) node.flow = true;
}
