import type { ActionsBlock, KnownBlock, PlainTextOption, View } from '@slack/types';
import type { ChecklistItem } from '../domain/checklist.js';
import { isDone } from '../domain/checklist.js';
import { FILES_MAX } from '../domain/report-form.js';
import type { Branch, Evidence, LocalDate, Report } from '../domain/types.js';
import { pick, t, type Locale } from '../i18n/index.js';
import { dueText } from './due.js';
import { LIMITS, clip, escape, escapeWithin, modal, mrkdwn, plain } from './limits.js';
import { formModal, type ModalButtons } from './blocks.js';

export const REPORT_CALLBACK_ID = 'report_submit';
export const REPORT_PICK_CALLBACK_ID = 'report_pick';
export const REPORT_BLOCKS = {
  branch: 'branch',
  obligation: 'obligation',
  heldOn: 'held_on',
  participants: 'participants',
  summary: 'summary',
  evidence: 'evidence',
  files: 'files',
  keepFiles: 'keep_files',
} as const;
export const REPORT_ACTIONS = {
  branchPick: 'report_branch_pick',
  edit: 'report_edit',
  withdraw: 'report_withdraw',
  revise: 'report_revise',
} as const;
export const VALUE_ACTION = 'value';
export const SUMMARY_MAX = 2000;
/** Ten links of a few hundred characters fit in one text input (Slack's limit is 3000). */
export const EVIDENCE_TEXT_MAX = 3000;

export interface ReportModalInput {
  locale: Locale;
  branch: Branch;
  items: ChecklistItem[];
  today: LocalDate;
  selectedObligationId?: number;
  privateMetadata: string;
  /** A secretary of several branches: a branch menu at the top switches the task list. */
  branches?: Branch[];
  /** The report being changed: its values fill the form. */
  editing?: { report: Report; submittedLocal: string; reviewerName: string | null } | null;
}

export function optionLabel(item: ChecklistItem, locale: Locale): string {
  const mark =
    item.state === 'returned'
      ? ` ${t(locale, 'report.option.returned')}`
      : isDone(item.state)
        ? ` ${t(locale, 'report.option.done')}`
        : '';
  return clip(`${item.obligation.code} ${pick(item.obligation.title, locale)}${mark}`, LIMITS.optionText);
}

function branchOption(branch: Branch): PlainTextOption {
  return { text: plain(`${branch.code} ${branch.name}`, LIMITS.optionText), value: String(branch.id) };
}

function branchMenu(locale: Locale, branches: Branch[], current: Branch | null): ActionsBlock {
  const options = branches.slice(0, LIMITS.selectOptions).map(branchOption);
  const initial = current ? options.find((o) => o.value === String(current.id)) : undefined;
  return {
    type: 'actions',
    block_id: REPORT_BLOCKS.branch,
    elements: [
      {
        type: 'static_select',
        action_id: REPORT_ACTIONS.branchPick,
        placeholder: plain(t(locale, 'report.field.branch.placeholder'), 150),
        options,
        ...(initial ? { initial_option: initial } : {}),
      },
    ],
  };
}

/** First step for a secretary of several branches: choose the branch, then the tasks appear. */

const REPORT_MODAL: ModalButtons = { submit: 'report.modal.submit', close: 'report.modal.close' };

export function branchPickerModal(input: { locale: Locale; branches: Branch[]; privateMetadata: string }): View {
  const { locale } = input;
  const blocks: KnownBlock[] = [
    { type: 'section', text: mrkdwn(t(locale, 'report.modal.pick_branch')) },
    branchMenu(locale, input.branches, null),
  ];
  return formModal(REPORT_MODAL, input, REPORT_PICK_CALLBACK_ID, 'report.modal.title', blocks, null);
}

function fileLabel(f: Extract<Evidence, { type: 'file' }>): string {
  return clip(f.name ?? f.fileId, LIMITS.optionText);
}

/**
 * The report modal: one task of the branch, the date it was held, participants, summary, links
 * and files. Tasks a leader has accepted are listed but not offered: they can no longer change.
 */
export function reportModal(input: ReportModalInput): View {
  const { locale, editing } = input;
  const open = input.items.filter((i) => i.report?.status !== 'accepted');
  const accepted = input.items.filter((i) => i.report?.status === 'accepted');
  const options = open.slice(0, LIMITS.selectOptions).map((item) => ({
    text: plain(optionLabel(item, locale), LIMITS.optionText),
    value: String(item.obligation.id),
  }));
  const initial = options.find((o) => o.value === String(input.selectedObligationId));
  const report = editing?.report ?? null;
  const blocks: KnownBlock[] = [];
  if (input.branches && input.branches.length > 1) blocks.push(branchMenu(locale, input.branches, input.branch));
  blocks.push({
    type: 'section',
    text: mrkdwn(t(locale, 'report.modal.intro', { branch: escape(input.branch.name) })),
  });
  if (report && editing) {
    const item = input.items.find((i) => i.obligation.id === report.obligationId);
    if (report.status === 'returned') {
      blocks.push({
        type: 'section',
        text: mrkdwn(
          t(locale, 'report.modal.returned', {
            leader: escape(editing.reviewerName ?? '—'),
            comment: escapeWithin(report.reviewComment ?? '', 1500),
          }),
        ),
      });
    } else if (item) {
      blocks.push({
        type: 'context',
        elements: [
          mrkdwn(
            t(locale, 'report.modal.editing', {
              code: item.obligation.code,
              title: escape(pick(item.obligation.title, locale)),
              submitted: editing.submittedLocal,
            }),
          ),
        ],
      });
    }
  }
  const extended = open.filter((i) => i.due !== i.originalDue).slice(0, LIMITS.contextElements);
  if (extended.length > 0) {
    blocks.push({
      type: 'context',
      elements: extended.map((i) => mrkdwn(`${i.obligation.code}: ${dueText(locale, i.due, i.originalDue)}`)),
    });
  }
  if (accepted.length > 0) {
    blocks.push({
      type: 'context',
      elements: [
        mrkdwn(t(locale, 'report.modal.accepted_list', { codes: accepted.map((i) => i.obligation.code).join(', ') })),
      ],
    });
  }
  blocks.push(
    {
      type: 'input',
      block_id: REPORT_BLOCKS.obligation,
      label: plain(t(locale, 'report.field.obligation'), LIMITS.sectionText),
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
      label: plain(t(locale, 'report.field.held_on'), LIMITS.sectionText),
      element: { type: 'datepicker', action_id: VALUE_ACTION, initial_date: report?.heldOn ?? input.today },
    },
    {
      type: 'input',
      block_id: REPORT_BLOCKS.participants,
      label: plain(t(locale, 'report.field.participants'), LIMITS.sectionText),
      element: {
        type: 'number_input',
        action_id: VALUE_ACTION,
        is_decimal_allowed: false,
        min_value: '0',
        max_value: '100000',
        ...(report ? { initial_value: String(report.participants) } : {}),
      },
    },
    {
      type: 'input',
      block_id: REPORT_BLOCKS.summary,
      label: plain(t(locale, 'report.field.summary'), LIMITS.sectionText),
      element: {
        type: 'plain_text_input',
        action_id: VALUE_ACTION,
        multiline: true,
        max_length: SUMMARY_MAX,
        placeholder: plain(t(locale, 'report.field.summary.placeholder'), 150),
        ...(report ? { initial_value: clip(report.summary, SUMMARY_MAX) } : {}),
      },
    },
  );
  const links = (report?.evidence ?? []).flatMap((e) => (e.type === 'link' ? [e.url] : [])).join('\n');
  blocks.push(
    {
      type: 'input',
      block_id: REPORT_BLOCKS.evidence,
      optional: true,
      label: plain(t(locale, 'report.field.evidence'), LIMITS.sectionText),
      element: {
        type: 'plain_text_input',
        action_id: VALUE_ACTION,
        multiline: true,
        max_length: EVIDENCE_TEXT_MAX,
        placeholder: plain('https://…', 150),
        ...(links !== '' && links.length <= EVIDENCE_TEXT_MAX ? { initial_value: links } : {}),
      },
    },
    {
      type: 'input',
      block_id: REPORT_BLOCKS.files,
      optional: true,
      label: plain(t(locale, 'report.field.files'), LIMITS.sectionText),
      element: { type: 'file_input', action_id: VALUE_ACTION, max_files: FILES_MAX },
    },
  );
  // A file input cannot be pre-filled, so the files of the report being edited are offered as
  // boxes to keep, all ticked.
  const files = (report?.evidence ?? [])
    .filter((e): e is Extract<Evidence, { type: 'file' }> => e.type === 'file')
    .slice(0, 10);
  if (files.length > 0) {
    const fileOptions = files.map((f) => ({ text: plain(fileLabel(f), LIMITS.optionText), value: f.fileId }));
    blocks.push({
      type: 'input',
      block_id: REPORT_BLOCKS.keepFiles,
      optional: true,
      label: plain(t(locale, 'report.field.keep_files'), LIMITS.sectionText),
      element: { type: 'checkboxes', action_id: VALUE_ACTION, options: fileOptions, initial_options: fileOptions },
    });
  }
  return formModal(REPORT_MODAL, input, REPORT_CALLBACK_ID, 'report.modal.title', blocks);
}

/** The secretary's confirmation: what was stored, with Edit and Withdraw while no leader has reviewed it. */
export function reportSavedBlocks(locale: Locale, text: string, reportId: number): KnownBlock[] {
  return [
    { type: 'section', text: mrkdwn(text) },
    {
      type: 'actions',
      elements: [
        {
          type: 'button',
          action_id: REPORT_ACTIONS.edit,
          text: plain(t(locale, 'report.button.edit'), LIMITS.buttonText),
          value: String(reportId),
        },
        {
          type: 'button',
          action_id: REPORT_ACTIONS.withdraw,
          style: 'danger',
          text: plain(t(locale, 'report.button.withdraw'), LIMITS.buttonText),
          value: String(reportId),
          confirm: {
            title: plain(t(locale, 'report.withdraw.confirm.title'), 100),
            text: plain(t(locale, 'report.withdraw.confirm.text'), 300),
            confirm: plain(t(locale, 'report.withdraw.confirm.yes'), 30),
            deny: plain(t(locale, 'report.withdraw.confirm.no'), 30),
          },
        },
      ],
    },
  ];
}

/** Shown at once while the database answers, because trigger_id lives only 3 s. */
export function loadingModal(): View {
  return modal({
    title: 'Pacesetter',
    close: '关闭 / Close',
    blocks: [{ type: 'section', text: plain('正在加载… / Loading…') }],
  });
}
