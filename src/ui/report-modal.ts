import type { KnownBlock, View } from '@slack/types';
import type { ChecklistItem } from '../domain/checklist.js';
import { isDone } from '../domain/checklist.js';
import type { Branch, LocalDate } from '../domain/types.js';
import { pick, t, type Locale } from '../i18n/index.js';
import { LIMITS, clip, escape, mrkdwn, plain } from './limits.js';

export const REPORT_CALLBACK_ID = 'report_submit';
export const REPORT_BLOCKS = {
  obligation: 'obligation',
  heldOn: 'held_on',
  participants: 'participants',
  summary: 'summary',
  evidence: 'evidence',
} as const;
export const VALUE_ACTION = 'value';
export const SUMMARY_MAX = 2000;

export interface ReportModalInput {
  locale: Locale;
  branch: Branch;
  items: ChecklistItem[];
  today: LocalDate;
  selectedObligationId?: number;
  privateMetadata: string;
}

export function optionLabel(item: ChecklistItem, locale: Locale): string {
  const done = isDone(item.state) ? ` ${t(locale, 'report.option.done')}` : '';
  return clip(`${item.obligation.code} ${pick(item.obligation.title, locale)}${done}`, LIMITS.optionText);
}

/** The report modal: one task of the branch, the date it was held, participants, summary, evidence. */
export function reportModal(input: ReportModalInput): View {
  const { locale } = input;
  const options = input.items.slice(0, LIMITS.selectOptions).map((item) => ({
    text: plain(optionLabel(item, locale), LIMITS.optionText),
    value: String(item.obligation.id),
  }));
  const initial = options.find((o) => o.value === String(input.selectedObligationId));
  const blocks: KnownBlock[] = [
    { type: 'section', text: mrkdwn(t(locale, 'report.modal.intro', { branch: escape(input.branch.name) })) },
    {
      type: 'input',
      block_id: REPORT_BLOCKS.obligation,
      label: plain(t(locale, 'report.field.obligation'), 2000),
      element: {
        type: 'static_select',
        action_id: VALUE_ACTION,
        placeholder: plain(t(locale, 'report.field.obligation.placeholder'), 150),
        options,
        ...(initial ? { initial_option: initial } : {}),
      },
    },
    {
      type: 'input',
      block_id: REPORT_BLOCKS.heldOn,
      label: plain(t(locale, 'report.field.held_on'), 2000),
      element: { type: 'datepicker', action_id: VALUE_ACTION, initial_date: input.today },
    },
    {
      type: 'input',
      block_id: REPORT_BLOCKS.participants,
      label: plain(t(locale, 'report.field.participants'), 2000),
      element: { type: 'number_input', action_id: VALUE_ACTION, is_decimal_allowed: false, min_value: '0', max_value: '100000' },
    },
    {
      type: 'input',
      block_id: REPORT_BLOCKS.summary,
      label: plain(t(locale, 'report.field.summary'), 2000),
      element: {
        type: 'plain_text_input',
        action_id: VALUE_ACTION,
        multiline: true,
        max_length: SUMMARY_MAX,
        placeholder: plain(t(locale, 'report.field.summary.placeholder'), 150),
      },
    },
    {
      type: 'input',
      block_id: REPORT_BLOCKS.evidence,
      optional: true,
      label: plain(t(locale, 'report.field.evidence'), 2000),
      element: { type: 'url_text_input', action_id: VALUE_ACTION },
    },
  ];
  return {
    type: 'modal',
    callback_id: REPORT_CALLBACK_ID,
    private_metadata: input.privateMetadata,
    title: plain(t(locale, 'report.modal.title'), LIMITS.viewTitle),
    submit: plain(t(locale, 'report.modal.submit'), LIMITS.viewTitle),
    close: plain(t(locale, 'report.modal.close'), LIMITS.viewTitle),
    blocks,
  };
}

/** Shown at once while the database answers, because trigger_id lives only 3 s. */
export function loadingModal(): View {
  return {
    type: 'modal',
    title: plain('Pacesetter', LIMITS.viewTitle),
    close: plain('关闭 / Close', LIMITS.viewTitle),
    blocks: [{ type: 'section', text: plain('正在加载… / Loading…') }],
  };
}

export function messageModal(title: string, text: string, closeLabel: string): View {
  return {
    type: 'modal',
    title: plain(title, LIMITS.viewTitle),
    close: plain(closeLabel, LIMITS.viewTitle),
    blocks: [{ type: 'section', text: mrkdwn(text) }],
  };
}
