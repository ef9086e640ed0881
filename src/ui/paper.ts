import type { KnownBlock, View } from '@slack/types';
import {
  PAPER_ABSTRACT_MAX,
  PAPER_TITLE_MAX,
  REVIEW_COMMENT_MAX,
  type Paper,
  type PaperItem,
} from '../domain/papers.js';
import { PAPER_KINDS, type PaperKind } from '../domain/types.js';
import { pick, t, type Locale, type MessageKey } from '../i18n/index.js';
import { LIMITS, SECTION_TEXT_ROOM, clip, escape, escapeWithin, link, mention, mrkdwn, plain } from './limits.js';
import { formModal, input as inputBlock, textInput, type ModalButtons } from './blocks.js';
import { sectionsOf } from './rankings.js';

export const PAPER_CALLBACK_ID = 'paper_submit';
export const PAPER_REVIEW_CALLBACK_ID = 'paper_review_submit';
export const PAPER_ACTIONS = {
  /** Opens the review modal; value = paper id. Leaders only. */
  reviewOpen: 'paper_review_open',
  /** Opens the paper modal on a returned paper; value = paper id. Its author only. */
  revise: 'paper_revise',
  /** Opens the paper modal (from the App Home). */
  open: 'paper_open',
} as const;
export const PAPER_VALUE_ACTION = 'value';

export function paperKindLabel(kind: PaperKind, locale: Locale): string {
  return t(locale, `paper.kind.${kind}` as MessageKey);
}

const STATE_ICONS: Record<string, string> = {
  done_on_time: '✅',
  done_late: '☑️',
  returned: '↩️',
  open: '⏳',
  overdue: '⚠️',
  exempt: '➖',
};

export function stateIcon(state: string): string {
  return STATE_ICONS[state] ?? '•';
}

/** "Due in 3 days", "Overdue by 2 days", "Done on time"…, from the common catalogue. */
export function stateText(item: { state: string; daysLeft: number }, locale: Locale): string {
  switch (item.state) {
    case 'open':
      return item.daysLeft === 0
        ? t(locale, 'common.state.due_today')
        : t(locale, 'common.state.open', { days: item.daysLeft });
    case 'overdue':
      return t(locale, 'common.state.overdue', { days: -item.daysLeft });
    case 'done_on_time':
    case 'done_late':
    case 'returned':
    case 'exempt':
      return t(locale, `common.state.${item.state}` as MessageKey);
    default:
      return item.state;
  }
}

export function paperStatusLabel(paper: Paper, locale: Locale): string {
  if (paper.status === 'accepted' && paper.excellent) return t(locale, 'paper.status.excellent');
  return t(locale, `paper.status.${paper.status}` as MessageKey);
}

function kindList(kinds: readonly PaperKind[], locale: Locale): string {
  return kinds.map((k) => paperKindLabel(k, locale)).join(locale === 'zh-CN' ? '、' : ', ');
}

/** One line per paper obligation: "⏳ *A09-PAPER* One party paper…: Due in 12 days". */
export function paperItemLines(items: PaperItem[], locale: Locale): string[] {
  return items.map(
    (i) =>
      `${stateIcon(i.state)} ${t(locale, 'paper.status.item', { code: i.obligation.code, title: escape(pick(i.obligation.title, locale)), state: stateText(i, locale) })}`,
  );
}

/** The modal's header: what the person still owes, or that they owe nothing. */
export function owedText(items: PaperItem[], locale: Locale): string {
  if (items.length === 0) return t(locale, 'paper.modal.owes_nothing');
  const owed = items.filter((i) => i.state !== 'done_on_time' && i.state !== 'done_late');
  if (owed.length === 0) return t(locale, 'paper.modal.all_done');
  const list = owed.map((i) =>
    t(locale, 'paper.modal.owes_item', {
      code: i.obligation.code,
      title: escape(pick(i.obligation.title, locale)),
      kinds: kindList(i.obligation.paperKinds, locale),
      due: i.due,
    }),
  );
  return t(locale, 'paper.modal.owes', { items: list.join(locale === 'zh-CN' ? '；' : '; ') });
}

export interface PaperModalInput {
  locale: Locale;
  /** The person's paper obligations with their state (empty when their rank owes none). */
  items: PaperItem[];
  privateMetadata: string;
  /** The paper being revised, to fill the fields. */
  revising?: Paper;
}

/** The paper modal: kind, title, abstract, a link or a Slack file, co-authors. */

const PAPER_MODAL: ModalButtons = { submit: 'paper.modal.submit', close: 'paper.modal.close' };

export function paperModal(input: PaperModalInput): View {
  const { locale, revising } = input;
  const counting = new Set(input.items.flatMap((i) => i.obligation.paperKinds));
  const options = PAPER_KINDS.map((k) => ({
    text: plain(
      clip(
        `${paperKindLabel(k, locale)}${counting.has(k) ? ` ${t(locale, 'paper.option.counts')}` : ''}`,
        LIMITS.optionText,
      ),
      LIMITS.optionText,
    ),
    value: k,
  }));
  const initialKind = options.find((o) => o.value === revising?.kind);
  const intro: KnownBlock[] = revising
    ? [
        { type: 'section', text: mrkdwn(t(locale, 'paper.modal.revise_intro', { title: escape(revising.title) })) },
        ...(revising.reviewComment
          ? [
              {
                type: 'context' as const,
                elements: [
                  mrkdwn(
                    t(locale, 'paper.modal.returned_comment', {
                      comment: escapeWithin(revising.reviewComment, SECTION_TEXT_ROOM),
                    }),
                  ),
                ],
              },
            ]
          : []),
      ]
    : [{ type: 'section', text: mrkdwn(owedText(input.items, locale)) }];
  const blocks: KnownBlock[] = [
    ...intro,
    {
      type: 'input',
      block_id: 'kind',
      label: plain(t(locale, 'paper.field.kind'), 2000),
      element: {
        type: 'static_select',
        action_id: PAPER_VALUE_ACTION,
        placeholder: plain(t(locale, 'paper.field.kind.placeholder'), 150),
        options,
        ...(initialKind ? { initial_option: initialKind } : {}),
      },
    },
    {
      type: 'input',
      block_id: 'title',
      label: plain(t(locale, 'paper.field.title'), 2000),
      element: {
        type: 'plain_text_input',
        action_id: PAPER_VALUE_ACTION,
        max_length: PAPER_TITLE_MAX,
        ...(revising ? { initial_value: clip(revising.title, PAPER_TITLE_MAX) } : {}),
      },
    },
    {
      type: 'input',
      block_id: 'abstract',
      label: plain(t(locale, 'paper.field.abstract'), 2000),
      element: {
        type: 'plain_text_input',
        action_id: PAPER_VALUE_ACTION,
        multiline: true,
        max_length: PAPER_ABSTRACT_MAX,
        placeholder: plain(t(locale, 'paper.field.abstract.placeholder'), 150),
        ...(revising ? { initial_value: clip(revising.abstract, PAPER_ABSTRACT_MAX) } : {}),
      },
    },
    inputBlock(
      locale,
      'link',
      'paper.field.link',
      {
        type: 'url_text_input' as const,
        action_id: PAPER_VALUE_ACTION,
        ...(revising?.link && revising.link.length <= 3000 ? { initial_value: revising.link } : {}),
      },
      { optional: true, hint: 'paper.field.link_hint' },
    ),
    {
      type: 'input',
      block_id: 'file',
      optional: true,
      label: plain(t(locale, 'paper.field.file'), 2000),
      element: { type: 'file_input', action_id: PAPER_VALUE_ACTION, max_files: 1 },
    },
    {
      type: 'input',
      block_id: 'coauthors',
      optional: true,
      label: plain(t(locale, 'paper.field.coauthors'), 2000),
      element: {
        type: 'multi_users_select',
        action_id: PAPER_VALUE_ACTION,
        ...(revising && revising.coauthors.length > 0 ? { initial_users: revising.coauthors } : {}),
      },
    },
  ];
  return formModal(
    PAPER_MODAL,
    input,
    PAPER_CALLBACK_ID,
    revising ? 'paper.modal.title_revise' : 'paper.modal.title',
    blocks,
  );
}

/** What the person owes and the papers they sent, for `/paper status`, `/progress` and the App Home. */
export function paperStatusBlocks(input: {
  locale: Locale;
  items: PaperItem[];
  papers: Paper[];
  withButtons: boolean;
  header?: boolean;
}): KnownBlock[] {
  const { locale } = input;
  const lines = input.items.length > 0 ? paperItemLines(input.items, locale) : [t(locale, 'paper.status.none')];
  const blocks: KnownBlock[] = [];
  if (input.header !== false)
    blocks.push({ type: 'header', text: plain(t(locale, 'paper.status.header'), LIMITS.headerText) });
  blocks.push({ type: 'section', text: mrkdwn(lines.join('\n')) });
  const shown = input.papers.filter((p) => p.status !== 'withdrawn').slice(-10);
  if (shown.length === 0) {
    blocks.push({ type: 'context', elements: [mrkdwn(t(locale, 'paper.status.no_papers'))] });
  }
  for (const p of shown) {
    const text = mrkdwn(
      t(locale, 'paper.status.paper', {
        title: escape(p.title),
        kind: paperKindLabel(p.kind, locale),
        status: paperStatusLabel(p, locale),
      }),
    );
    const revise = input.withButtons && p.status === 'returned';
    blocks.push(
      revise
        ? {
            type: 'section',
            text,
            accessory: {
              type: 'button',
              action_id: PAPER_ACTIONS.revise,
              value: String(p.id),
              text: plain(t(locale, 'paper.button.revise'), LIMITS.buttonText),
            },
          }
        : { type: 'section', text },
    );
  }
  if (input.withButtons) {
    blocks.push({
      type: 'actions',
      elements: [
        {
          type: 'button',
          action_id: PAPER_ACTIONS.open,
          value: 'new',
          text: plain(t(locale, 'paper.button.submit'), LIMITS.buttonText),
        },
      ],
    });
  }
  return blocks;
}

export interface PaperReviewModalInput {
  locale: Locale;
  paper: Paper;
  authorName: string;
  privateMetadata: string;
}

/** The leader's review modal: the paper, then accept / accept as excellent / return, and a comment. */
export function paperReviewModal(input: PaperReviewModalInput): View {
  const { locale, paper } = input;
  const details: string[] = [];
  if (paper.link) details.push(t(locale, 'paper.review.link', { link: link(paper.link) }));
  if (paper.fileId)
    details.push(
      t(locale, 'paper.review.file', {
        file: paper.filePermalink ? link(paper.filePermalink) : escape(paper.fileId),
      }),
    );
  // Co-authors are Slack user ids: a mention shows each one's name in the reader's Slack.
  if (paper.coauthors.length > 0)
    details.push(t(locale, 'paper.review.coauthors', { names: paper.coauthors.map(mention).join(', ') }));
  const decisions = (['accept', 'excellent', 'return'] as const).map((d) => ({
    text: plain(t(locale, `paper.review.decision.${d}`), LIMITS.optionText),
    value: d,
  }));
  const blocks: KnownBlock[] = [
    {
      type: 'section',
      text: mrkdwn(
        t(locale, 'paper.review.intro', {
          title: escape(paper.title),
          kind: paperKindLabel(paper.kind, locale),
          author: escape(input.authorName),
          date: paper.submittedAt.slice(0, 10),
        }),
      ),
    },
    {
      type: 'section',
      text: mrkdwn(t(locale, 'paper.review.abstract', { abstract: escapeWithin(paper.abstract, SECTION_TEXT_ROOM) })),
    },
    ...sectionsOf(details),
    {
      type: 'input',
      block_id: 'decision',
      label: plain(t(locale, 'paper.review.decision'), 2000),
      element: { type: 'radio_buttons', action_id: PAPER_VALUE_ACTION, options: decisions },
    },
    textInput(locale, 'comment', 'paper.review.comment', {
      max: REVIEW_COMMENT_MAX,
      multiline: true,
      optional: true,
      hint: 'paper.review.comment_hint',
    }),
  ];
  return formModal(PAPER_MODAL, input, PAPER_REVIEW_CALLBACK_ID, 'paper.review.title', blocks, 'paper.review.submit');
}

/** The author's DM after a review; a returned paper carries a Revise button. */
export function paperReviewedMessage(input: { locale: Locale; paper: Paper; leaderName: string }): {
  text: string;
  blocks: KnownBlock[];
} {
  const { locale, paper } = input;
  const key =
    paper.status === 'returned' ? 'paper.dm.returned' : paper.excellent ? 'paper.dm.excellent' : 'paper.dm.accepted';
  const text = t(locale, key, { title: escape(paper.title), leader: escape(input.leaderName) });
  const blocks: KnownBlock[] = [{ type: 'section', text: mrkdwn(text) }];
  if (paper.reviewComment)
    blocks.push({
      type: 'section',
      text: mrkdwn(t(locale, 'paper.dm.comment', { comment: escapeWithin(paper.reviewComment, SECTION_TEXT_ROOM) })),
    });
  if (paper.status === 'returned') {
    blocks.push({
      type: 'actions',
      elements: [
        {
          type: 'button',
          style: 'primary',
          action_id: PAPER_ACTIONS.revise,
          value: String(paper.id),
          text: plain(t(locale, 'paper.button.revise'), LIMITS.buttonText),
        },
      ],
    });
  }
  return { text, blocks };
}
