import type { KnownBlock, View } from '@slack/types';
import {
  INSPECTION_BLOCKS,
  INSPECTION_KINDS,
  INSPECTION_TEXT,
  isClosed,
  type Inspection,
  type InspectionKind,
  type Rating,
  type RectificationItem,
} from '../domain/inspections.js';
import type { LocalDate } from '../domain/types.js';
import { pick, t, type Locale } from '../i18n/index.js';
import { LIMITS, clip, escape, modal, mrkdwn, plain } from './limits.js';

export const INSPECTION_VIEWS = { record: 'inspect_record', county: 'inspect_county' } as const;

/** The value every field's element takes: one per block, so `fieldOf` finds it. */
const VALUE = 'value';

function kindOptions(locale: Locale) {
  return INSPECTION_KINDS.map((k) => ({ text: plain(t(locale, `inspect.kind.${k}`), LIMITS.optionText), value: k }));
}

function textBlock(
  locale: Locale,
  block: string,
  label: Parameters<typeof t>[1],
  max: number,
  opts: { optional?: boolean; hint?: string } = {},
): KnownBlock {
  return {
    type: 'input',
    block_id: block,
    optional: opts.optional ?? false,
    label: plain(t(locale, label), 2000),
    ...(opts.hint ? { hint: plain(opts.hint, 2000) } : {}),
    element: { type: 'plain_text_input', action_id: VALUE, multiline: true, max_length: max },
  };
}

/**
 * The inspection modal: a branch's (with its rating on the plan's scale and the "two skins"
 * finding), or the county's of the whole system (no rating; each task names its branch).
 */
export function inspectionModal(v: {
  locale: Locale;
  county: boolean;
  branch: { name: string; code: string } | null;
  ratings: readonly Rating[];
  today: LocalDate;
  privateMetadata: string;
}): View {
  const { locale } = v;
  const blocks: KnownBlock[] = [
    {
      type: 'section',
      text: mrkdwn(
        v.county || !v.branch
          ? t(locale, 'inspect.modal.county')
          : t(locale, 'inspect.modal.branch', { branch: escape(v.branch.name), code: v.branch.code }),
      ),
    },
    {
      type: 'input',
      block_id: INSPECTION_BLOCKS.heldOn,
      label: plain(t(locale, 'inspect.field.held_on'), 2000),
      element: { type: 'datepicker', action_id: VALUE, initial_date: v.today },
    },
    {
      type: 'input',
      block_id: INSPECTION_BLOCKS.kind,
      label: plain(t(locale, 'inspect.field.kind'), 2000),
      element: { type: 'static_select', action_id: VALUE, options: kindOptions(locale) },
    },
  ];
  if (!v.county)
    blocks.push(
      {
        type: 'input',
        block_id: INSPECTION_BLOCKS.rating,
        label: plain(t(locale, 'inspect.field.rating'), 2000),
        element: {
          type: 'static_select',
          action_id: VALUE,
          options: v.ratings.map((r) => ({ text: plain(pick(r.title, locale), LIMITS.optionText), value: r.code })),
        },
      },
      {
        type: 'input',
        block_id: INSPECTION_BLOCKS.twoSkins,
        optional: true,
        label: plain(t(locale, 'inspect.field.two_skins'), 2000),
        element: {
          type: 'checkboxes',
          action_id: VALUE,
          options: [{ text: plain(t(locale, 'inspect.field.two_skins_option'), LIMITS.optionText), value: 'yes' }],
        },
      },
    );
  blocks.push(
    textBlock(locale, INSPECTION_BLOCKS.checked, 'inspect.field.checked', INSPECTION_TEXT.checked),
    textBlock(locale, INSPECTION_BLOCKS.findings, 'inspect.field.findings', INSPECTION_TEXT.findings),
    textBlock(locale, INSPECTION_BLOCKS.items, v.county ? 'inspect.field.items_county' : 'inspect.field.items', 3000, {
      optional: !v.county,
      hint: t(locale, v.county ? 'inspect.field.items_county_hint' : 'inspect.field.items_hint'),
    }),
  );
  return modal({
    callbackId: v.county ? INSPECTION_VIEWS.county : INSPECTION_VIEWS.record,
    privateMetadata: v.privateMetadata,
    title: t(locale, v.county ? 'inspect.modal.county_title' : 'inspect.modal.title'),
    submit: t(locale, 'inspect.modal.submit'),
    close: t(locale, 'inspect.modal.cancel'),
    blocks,
  });
}

export function kindLabel(locale: Locale, kind: InspectionKind): string {
  return t(locale, `inspect.kind.${kind}`);
}

export function ratingLabel(locale: Locale, ratings: readonly Rating[], code: string | null): string {
  const r = ratings.find((x) => x.code === code);
  return r ? pick(r.title, locale) : (code ?? '—');
}

function itemLines(locale: Locale, items: readonly RectificationItem[]): string[] {
  return items.map((i) =>
    t(locale, isClosed(i) ? 'inspect.item.closed' : 'inspect.item', {
      code: i.code,
      text: escape(clip(i.text, INSPECTION_TEXT.item)),
      due: i.due,
    }),
  );
}

/**
 * The secretary's DM: the inspection, its findings and the branch's rectification tasks, in the
 * secretary's language. The findings are the inspector's own words: escaped and cut to fit.
 */
export function inspectionDm(v: {
  locale: Locale;
  inspection: Inspection;
  branchName: string;
  ratings: readonly Rating[];
  items: readonly RectificationItem[];
}): { text: string; blocks: KnownBlock[] } {
  const { locale, inspection } = v;
  const kind = kindLabel(locale, inspection.kind);
  const title =
    inspection.branchId === null
      ? t(locale, 'inspect.dm.county_title', { kind, date: inspection.heldOn, branch: escape(v.branchName) })
      : t(locale, 'inspect.dm.title', { kind, date: inspection.heldOn, branch: escape(v.branchName) });
  const lines = [`*${title}*`];
  if (inspection.rating !== null)
    lines.push(t(locale, 'inspect.dm.rating', { rating: ratingLabel(locale, v.ratings, inspection.rating) }));
  if (inspection.twoSkins) lines.push(t(locale, 'inspect.dm.two_skins'));
  const blocks: KnownBlock[] = [
    { type: 'section', text: mrkdwn(lines.join('\n')) },
    {
      type: 'section',
      text: mrkdwn(t(locale, 'inspect.dm.findings', { findings: escape(clip(inspection.findings, 2500)) })),
    },
  ];
  const items = itemLines(locale, v.items);
  blocks.push({
    type: 'section',
    text: mrkdwn(
      items.length === 0 ? t(locale, 'inspect.dm.no_items') : [t(locale, 'inspect.dm.items'), ...items].join('\n'),
    ),
  });
  return { text: title, blocks };
}

/** A branch's inspection history for /progress: each inspection, then its tasks and how many were accepted. */
export function inspectionHistoryLines(v: {
  locale: Locale;
  inspections: readonly Inspection[];
  items: readonly RectificationItem[];
  ratings: readonly Rating[];
}): string[] {
  const { locale } = v;
  if (v.inspections.length === 0) return [t(locale, 'inspect.history.none')];
  const lines = [t(locale, 'inspect.history.title', { count: v.inspections.length })];
  for (const i of v.inspections) {
    lines.push(
      t(locale, 'inspect.history.line', {
        date: i.heldOn,
        kind: kindLabel(locale, i.kind),
        inspector:
          i.branchId === null
            ? t(locale, 'inspect.history.county', { inspector: escape(i.inspectorName) })
            : escape(i.inspectorName),
        rating:
          i.rating === null
            ? ''
            : t(locale, 'inspect.history.rating', { rating: ratingLabel(locale, v.ratings, i.rating) }),
        twoSkins: i.twoSkins ? t(locale, 'inspect.history.two_skins') : '',
        findings: escape(clip(i.findings, 200)),
      }),
    );
    const own = v.items.filter((x) => x.inspectionId === i.id);
    if (own.length > 0)
      lines.push(t(locale, 'inspect.history.items', { count: own.length, closed: own.filter(isClosed).length }));
  }
  return lines;
}
