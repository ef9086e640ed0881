import { z } from 'zod';
import { fieldOf, type FieldErrors, type FormResult, type ViewState } from './report-form.js';
import { isValidLocalDate } from './time.js';
import type { Branch, LocalDate } from './types.js';
import { uniqueCode } from './validation.js';

/*
 * Inspections (督查: 定期检查, 巡回检查, 专项督查) and the rectification tasks (整改任务) they set,
 * decided here: the plan's `inspections` section, the form's fields, and what an inspection's score
 * is for the year-end assessment. A rectification task is owed as a task of one branch (owed.ts):
 * reported with /report, reminded, escalated, reviewed and scored as any task.
 */

export const INSPECTION_KINDS = ['regular', 'roving', 'special'] as const;
export type InspectionKind = (typeof INSPECTION_KINDS)[number];

/** The activity the rectification tasks hang under; a plan file may not use the code. */
export const RECTIFICATION_ACTIVITY = 'RECTIFY';

/** The code of an inspection's n-th task (1-based): unique within the plan, shown in /report and the export. */
export function rectificationCode(inspectionId: number, n: number): string {
  return `R${inspectionId}-${n}`;
}

/** After the plan's obligations, in the order they were set. */
export const RECTIFICATION_POSITION = 100_000;

const ratingCode = z
  .string({ message: 'expected a code' })
  .regex(/^[a-z][a-z0-9_]*$/, 'expected lowercase letters, digits and underscores, like fairly_good')
  .max(24, 'at most 24 characters');

const title = z
  .object(
    { zh: z.string().trim().min(1).max(24), en: z.string().trim().min(1).max(24) },
    { message: 'expected { zh: "…", en: "…" }' },
  )
  .strict();

export const RatingSchema = z
  .object({
    code: ratingCode,
    title,
    /** What the rating counts for in the assessment's inspections component, 0–100. */
    score: z.number({ message: 'expected a number' }).min(0, 'at least 0').max(100, 'at most 100'),
  })
  .strict();

export type Rating = z.infer<typeof RatingSchema>;

/** The seed's scale, when the plan gives none: 好 / 较好 / 一般 / 差. */
export const DEFAULT_RATINGS: Rating[] = [
  { code: 'good', title: { zh: '好', en: 'Good' }, score: 100 },
  { code: 'fairly_good', title: { zh: '较好', en: 'Fairly good' }, score: 85 },
  { code: 'average', title: { zh: '一般', en: 'Average' }, score: 70 },
  { code: 'poor', title: { zh: '差', en: 'Poor' }, score: 50 },
];

export const InspectionsSchema = z
  .object({
    /** From the best down. */
    ratings: z
      .array(RatingSchema)
      .min(2, 'list at least two ratings')
      .max(8, 'at most 8 ratings')
      .default(() => DEFAULT_RATINGS.map((r) => ({ ...r, title: { ...r.title } }))),
    /** Points off an inspection's rating score when its activities were found "two skins" (两张皮). */
    two_skins_deduction: z.number({ message: 'expected a number' }).min(0).max(100).default(20),
    /** The weight of a rectification task in the obligations score, as a plan obligation's weight. */
    rectification_weight: z.number({ message: 'expected a number' }).positive('must be positive').max(100).default(1),
  })
  .strict()
  .superRefine((s, ctx) => {
    const seen = new Map<string, string>();
    s.ratings.forEach((r, i) => {
      uniqueCode(seen, r.code, ['ratings', i], ctx);
      const prev = s.ratings[i - 1];
      if (prev && r.score > prev.score)
        ctx.addIssue({
          code: 'custom',
          path: ['ratings', i, 'score'],
          message: `${r.score} is above ratings[${i - 1}].score ${prev.score}; list ratings from the best down`,
        });
    });
  });

export type InspectionRules = z.infer<typeof InspectionsSchema>;

export const defaultInspectionRules = (): InspectionRules => InspectionsSchema.parse({});

export interface Inspection {
  id: number;
  planId: number;
  /** Null for the county's inspection of the whole system. */
  branchId: number | null;
  heldOn: LocalDate;
  kind: InspectionKind;
  checked: string;
  findings: string;
  rating: string | null;
  twoSkins: boolean;
  inspectorId: number;
  inspectorName: string;
  createdAt: string;
}

export interface RectificationItem {
  id: number;
  inspectionId: number;
  branchId: number;
  obligationId: number;
  code: string;
  text: string;
  due: LocalDate;
  /** The task's report, if any: its status decides whether the item is closed (accepted). */
  reportStatus: string | null;
}

/** An item is closed once a leader accepted its report. */
export function isClosed(item: Pick<RectificationItem, 'reportStatus'>): boolean {
  return item.reportStatus === 'accepted';
}

/** What an inspection counts for: its rating's score, less the deduction when found "two skins", never below 0. */
export function inspectionScore(
  inspection: Pick<Inspection, 'rating' | 'twoSkins'>,
  rules: Pick<InspectionRules, 'ratings' | 'two_skins_deduction'>,
): number | null {
  const rating = rules.ratings.find((r) => r.code === inspection.rating);
  if (!rating) return null;
  return Math.max(0, rating.score - (inspection.twoSkins ? rules.two_skins_deduction : 0));
}

// ---- the form ----

export const INSPECTION_BLOCKS = {
  heldOn: 'held_on',
  kind: 'kind',
  rating: 'rating',
  twoSkins: 'two_skins',
  checked: 'checked',
  findings: 'findings',
  items: 'items',
} as const;

export const INSPECTION_TEXT = { checked: 1000, findings: 2000, item: 300 } as const;
export const ITEMS_MAX = 20;
export const COUNTY_ITEMS_MAX = 200;

export interface ItemDraft {
  /** Set for the county's inspection: the branch the item is for. */
  branchId: number | null;
  due: LocalDate;
  text: string;
}

export interface InspectionDraft {
  heldOn: LocalDate;
  kind: InspectionKind;
  rating: string | null;
  twoSkins: boolean;
  checked: string;
  findings: string;
  items: ItemDraft[];
}

function textField(state: ViewState, block: string, max: number, errors: FieldErrors): string {
  const value = (fieldOf(state, block)?.value ?? '').trim();
  if (value === '') errors[block] = { key: 'inspect.error.required' };
  else if (Array.from(value).length > max) errors[block] = { key: 'inspect.error.too_long', params: { max } };
  return value;
}

/**
 * The items field: one task a line, `YYYY-MM-DD what to put right` for a branch, `CODE YYYY-MM-DD
 * what to put right` for the county's inspection (the branch by its roster code). The first wrong
 * line is named; a due date before the inspection's date is refused (a task cannot be late before
 * it is set).
 */
export function parseItems(
  text: string,
  opts: {
    heldOn: LocalDate | null;
    county: boolean;
    branches: readonly Pick<Branch, 'id' | 'code'>[];
    planEnds: LocalDate;
  },
): { ok: true; items: ItemDraft[] } | { ok: false; error: FieldErrors[string] } {
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
  const max = opts.county ? COUNTY_ITEMS_MAX : ITEMS_MAX;
  if (lines.length > max) return { ok: false, error: { key: 'inspect.error.items_too_many', params: { max } } };
  const byCode = new Map(opts.branches.map((b) => [b.code.toUpperCase(), b.id]));
  const items: ItemDraft[] = [];
  for (const [i, line] of lines.entries()) {
    const n = i + 1;
    const m = opts.county ? /^(\S+)\s+(\S+)\s+(.+)$/.exec(line) : /^()(\S+)\s+(.+)$/.exec(line);
    if (!m)
      return {
        ok: false,
        error: { key: opts.county ? 'inspect.error.item_county_line' : 'inspect.error.item_line', params: { n } },
      };
    const [, code, due, what] = m as unknown as [string, string, string, string];
    let branchId: number | null = null;
    if (opts.county) {
      branchId = byCode.get(code.toUpperCase()) ?? null;
      if (branchId === null)
        return { ok: false, error: { key: 'inspect.error.item_branch', params: { n, code: code.slice(0, 30) } } };
    }
    if (!isValidLocalDate(due)) return { ok: false, error: { key: 'inspect.error.item_due', params: { n } } };
    if (opts.heldOn !== null && due < opts.heldOn)
      return { ok: false, error: { key: 'inspect.error.item_before', params: { n, date: opts.heldOn } } };
    if (due > opts.planEnds)
      return { ok: false, error: { key: 'inspect.error.item_after_plan', params: { n, date: opts.planEnds } } };
    const body = what.trim();
    if (Array.from(body).length > INSPECTION_TEXT.item)
      return { ok: false, error: { key: 'inspect.error.item_too_long', params: { n, max: INSPECTION_TEXT.item } } };
    items.push({ branchId, due, text: body });
  }
  return { ok: true, items };
}

/**
 * The inspection modal, read and checked: every error under its field, nothing stored unless all
 * is right. The county's form has no rating (it rates no one branch) and items name their branch.
 */
export function parseInspectionForm(
  state: ViewState,
  opts: {
    today: LocalDate;
    planStarts: LocalDate;
    planEnds: LocalDate;
    county: boolean;
    ratings: readonly Pick<Rating, 'code'>[];
    branches: readonly Pick<Branch, 'id' | 'code'>[];
  },
): FormResult<InspectionDraft> {
  const errors: FieldErrors = {};
  const heldOn = fieldOf(state, INSPECTION_BLOCKS.heldOn)?.selected_date ?? '';
  let held: LocalDate | null = null;
  if (!isValidLocalDate(heldOn)) errors[INSPECTION_BLOCKS.heldOn] = { key: 'inspect.error.held_on' };
  else if (heldOn > opts.today) errors[INSPECTION_BLOCKS.heldOn] = { key: 'inspect.error.held_on_future' };
  else if (heldOn < opts.planStarts)
    errors[INSPECTION_BLOCKS.heldOn] = { key: 'inspect.error.held_on_before', params: { date: opts.planStarts } };
  else held = heldOn;

  const kindValue = fieldOf(state, INSPECTION_BLOCKS.kind)?.selected_option?.value ?? '';
  const kind = (INSPECTION_KINDS as readonly string[]).includes(kindValue) ? (kindValue as InspectionKind) : null;
  if (!kind) errors[INSPECTION_BLOCKS.kind] = { key: 'inspect.error.kind' };

  let rating: string | null = null;
  if (!opts.county) {
    const value = fieldOf(state, INSPECTION_BLOCKS.rating)?.selected_option?.value ?? '';
    if (opts.ratings.some((r) => r.code === value)) rating = value;
    else errors[INSPECTION_BLOCKS.rating] = { key: 'inspect.error.rating' };
  }
  const twoSkins = (fieldOf(state, INSPECTION_BLOCKS.twoSkins)?.selected_options ?? []).some((o) => o.value === 'yes');
  const checked = textField(state, INSPECTION_BLOCKS.checked, INSPECTION_TEXT.checked, errors);
  const findings = textField(state, INSPECTION_BLOCKS.findings, INSPECTION_TEXT.findings, errors);
  const items = parseItems(fieldOf(state, INSPECTION_BLOCKS.items)?.value ?? '', {
    heldOn: held,
    county: opts.county,
    branches: opts.branches,
    planEnds: opts.planEnds,
  });
  if (!items.ok) errors[INSPECTION_BLOCKS.items] = items.error;
  else if (opts.county && items.items.length === 0)
    errors[INSPECTION_BLOCKS.items] = { key: 'inspect.error.county_items' };
  if (Object.keys(errors).length > 0 || !kind || !held || !items.ok) return { ok: false, errors };
  return { ok: true, value: { heldOn: held, kind, rating, twoSkins, checked, findings, items: items.items } };
}

export type InspectRequest = { kind: 'help' } | { kind: 'county' } | { kind: 'branch'; branch: string };

const InspectTextSchema = z.string().max(200);

/** `/inspect BRANCH` (code or name), `/inspect all` (全系统) for the county's inspection, `/inspect` alone for help. */
export function parseInspectText(text: unknown): InspectRequest {
  const parsed = InspectTextSchema.safeParse(text ?? '');
  if (!parsed.success) return { kind: 'help' };
  const words = parsed.data.trim();
  if (words === '' || words === 'help' || words === '帮助') return { kind: 'help' };
  if (['all', '全系统', '全部'].includes(words.toLowerCase())) return { kind: 'county' };
  return { kind: 'branch', branch: words };
}
