import type { KnownBlock, View } from '@slack/types';
import type { ReviewDecision } from '../domain/reporting.js';
import type { Evidence, LocalizedText, Report } from '../domain/types.js';
import { pick, t, type Locale } from '../i18n/index.js';
import { dueText } from './due.js';
import { LIMITS, SECTION_TEXT_ROOM, escape, escapeWithin, link, modal, mrkdwn, plain } from './limits.js';
import { REPORT_ACTIONS } from './report-modal.js';

export const REVIEW_CALLBACK_ID = 'report_review';
export const REVIEW_ACTIONS = { open: 'report_review_open' } as const;
export const REVIEW_BLOCKS = { decision: 'decision', comment: 'comment' } as const;

/** What a reader of a report needs besides the report itself. */
export interface ReportCardInput {
  report: Report;
  obligation: { code: string; title: LocalizedText };
  branchName: string;
  authorName: string;
  due: string;
  originalDue: string;
  /** `submittedAt` in the plan's timezone, e.g. 2011-06-20 10:00. */
  submittedLocal: string;
}

function evidenceItem(locale: Locale, e: Evidence): string {
  if (e.type === 'link') return link(e.url);
  const file = `${t(locale, 'review.card.file')}: ${escapeWithin(e.name ?? e.fileId, 200)}`;
  return e.permalink ? `${file} · ${link(e.permalink)}` : file;
}

/** Evidence sections before "N more": the form's fifteen items need a handful; older rows may hold more. */
const EVIDENCE_SECTIONS_MAX = 20;

/**
 * Every piece of evidence, numbered, packed into sections of Slack's 3,000 characters without
 * ever cutting one (a cut link would lose its end, or its `>`).
 */
function evidenceBlocks(locale: Locale, evidence: readonly Evidence[]): KnownBlock[] {
  const heading = `*${t(locale, 'review.card.evidence')}*`;
  if (evidence.length === 0)
    return [{ type: 'section', text: mrkdwn(`${heading}\n${t(locale, 'review.card.no_evidence')}`) }];
  const lines = evidence.map((e, i) => `${i + 1}. ${evidenceItem(locale, e)}`);
  const texts: string[] = [];
  let current = heading;
  let shown = 0;
  for (const line of lines) {
    if (current.length + 1 + line.length <= LIMITS.sectionText) current += `\n${line}`;
    else if (texts.length + 1 < EVIDENCE_SECTIONS_MAX) {
      texts.push(current);
      current = line;
    } else break;
    shown++;
  }
  texts.push(current);
  const blocks: KnownBlock[] = texts.map((text) => ({ type: 'section', text: mrkdwn(text) }));
  if (shown < lines.length)
    blocks.push({
      type: 'context',
      elements: [mrkdwn(t(locale, 'review.card.evidence_more', { count: lines.length - shown }))],
    });
  return blocks;
}

/** A report as text blocks: the task, the branch, when, how many, the summary and every piece of evidence. */
export function reportCard(locale: Locale, input: ReportCardInput): KnownBlock[] {
  const { report } = input;
  const when = report.onTime ? t(locale, 'report.when.on_time') : t(locale, 'report.when.late', { due: input.due });
  const facts = [
    `*${t(locale, 'review.card.task')}*: ${input.obligation.code} ${escape(pick(input.obligation.title, locale))} · ${dueText(locale, input.due, input.originalDue)}`,
    `*${t(locale, 'review.card.branch')}*: ${escape(input.branchName)}`,
    `*${t(locale, 'review.card.held_on')}*: ${report.heldOn} · *${t(locale, 'review.card.participants')}*: ${report.participants}`,
    `*${t(locale, 'review.card.submitted')}*: ${input.submittedLocal}, ${escape(input.authorName)} (${when}) · ${t(locale, `review.status.${report.status}`)}`,
  ];
  const summaryHeading = `*${t(locale, 'review.card.summary')}*\n`;
  return [
    { type: 'section', text: mrkdwn(facts.join('\n')) },
    {
      type: 'section',
      text: mrkdwn(`${summaryHeading}${escapeWithin(report.summary, LIMITS.sectionText - summaryHeading.length)}`),
    },
    ...evidenceBlocks(locale, report.evidence),
  ];
}

/** The review modal: the report, a decision and a comment (点评). */
export function reviewModal(locale: Locale, card: ReportCardInput, privateMetadata: string): View {
  const options = (['accept', 'return'] as const).map((d) => ({
    text: plain(t(locale, `review.decision.${d}`), LIMITS.optionText),
    value: d,
  }));
  return modal({
    callbackId: REVIEW_CALLBACK_ID,
    privateMetadata: privateMetadata,
    title: t(locale, 'review.modal.title'),
    submit: t(locale, 'review.modal.submit'),
    close: t(locale, 'review.modal.close'),
    blocks: [
      ...reportCard(locale, card),
      { type: 'divider' },
      {
        type: 'input',
        block_id: REVIEW_BLOCKS.decision,
        label: plain(t(locale, 'review.field.decision'), LIMITS.sectionText),
        element: { type: 'radio_buttons', action_id: 'value', options },
      },
      {
        type: 'input',
        block_id: REVIEW_BLOCKS.comment,
        optional: true,
        label: plain(t(locale, 'review.field.comment'), LIMITS.sectionText),
        element: {
          type: 'plain_text_input',
          action_id: 'value',
          multiline: true,
          max_length: 1000,
          placeholder: plain(t(locale, 'review.field.comment.placeholder'), 150),
        },
      },
    ],
  });
}

/** A report already reviewed: the leader sees it and the decision, without the form. */
export function reviewedModal(locale: Locale, card: ReportCardInput, note: string): View {
  return modal({
    title: t(locale, 'review.modal.title'),
    close: t(locale, 'review.modal.close'),
    blocks: [...reportCard(locale, card), { type: 'context', elements: [mrkdwn(note)] }],
  });
}

/** The Review button: the other screens (/progress, the App Home) put it next to a report. */
export function reviewButton(locale: Locale, reportId: number) {
  return {
    type: 'button' as const,
    action_id: REVIEW_ACTIONS.open,
    text: plain(t(locale, 'review.button.open'), LIMITS.buttonText),
    value: String(reportId),
  };
}

/** The leaders' notification of a new report: one line and the Review button. */
export function reportArrivedBlocks(locale: Locale, text: string, reportId: number): KnownBlock[] {
  return [
    { type: 'section', text: mrkdwn(text) },
    { type: 'actions', elements: [{ ...reviewButton(locale, reportId), style: 'primary' }] },
  ];
}

/** The secretary is told the decision; a returned report carries the Revise button. */
export function reviewedBlocks(
  locale: Locale,
  input: { text: string; comment: string | null; decision: ReviewDecision; reportId: number },
): KnownBlock[] {
  const blocks: KnownBlock[] = [{ type: 'section', text: mrkdwn(input.text) }];
  if (input.comment)
    blocks.push({
      type: 'section',
      text: mrkdwn(t(locale, 'review.comment', { comment: escapeWithin(input.comment, SECTION_TEXT_ROOM) })),
    });
  if (input.decision === 'return') {
    blocks.push({
      type: 'actions',
      elements: [
        {
          type: 'button',
          action_id: REPORT_ACTIONS.revise,
          style: 'primary',
          text: plain(t(locale, 'review.button.revise'), LIMITS.buttonText),
          value: String(input.reportId),
        },
      ],
    });
  }
  return blocks;
}
