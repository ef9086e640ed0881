import type { KnownBlock, View } from '@slack/types';
import type { GroupedMessage } from '../delivery/outbox.js';
import {
  percent,
  questionBlock,
  type BranchResult,
  type EvaluationMessage,
  type RoundSettings,
} from '../domain/evaluation.js';
import type { Branch } from '../domain/types.js';
import { pick, t, type Locale } from '../i18n/index.js';
import { escape, escapeWithin, LIMITS, modal, mrkdwn, plain } from './limits.js';
import { button, context, section } from './blocks.js';

/**
 * The evaluation in Slack: the ballot modal, the invitation and reminder DMs, turnout and results
 * for /rankings and the Home tab. Pure: data in, Block Kit out.
 */

export const EVALUATION_ACTIONS = { vote: 'evaluation_vote', open: 'evaluation_open' } as const;
export const EVALUATION_VIEWS = { ballot: 'evaluation_ballot' } as const;
export const BRANCH_BLOCK = 'branch';

/**
 * The ballot: one branch given (its name shown), or a choice among the branches still to rate (a
 * leader's); a radio group per question with the plan's grades; the anonymity text and that a
 * ballot is final. Slack's select holds 100 options: beyond that the voter types `/evaluate CODE`.
 */
export function ballotModal(v: {
  locale: Locale;
  settings: Pick<RoundSettings, 'questions' | 'grades'>;
  closes: string;
  branch: Branch | null;
  choices: readonly Branch[];
  privateMetadata: string;
}): View {
  const { locale } = v;
  const blocks: KnownBlock[] = [];
  if (v.branch)
    blocks.push(section(t(locale, 'evaluation.modal.rating', { branch: escape(v.branch.name), closes: v.closes })));
  else {
    const shown = v.choices.slice(0, LIMITS.selectOptions);
    blocks.push({
      type: 'input',
      block_id: BRANCH_BLOCK,
      label: plain(t(locale, 'evaluation.modal.branch'), 2000),
      element: {
        type: 'static_select',
        action_id: 'value',
        placeholder: plain(t(locale, 'evaluation.modal.branch_placeholder'), 150),
        options: shown.map((b) => ({ text: plain(`${b.code} ${b.name}`, LIMITS.optionText), value: String(b.id) })),
      },
    });
    if (v.choices.length > shown.length)
      blocks.push(context(t(locale, 'evaluation.modal.more', { shown: shown.length, count: v.choices.length })));
  }
  for (const q of v.settings.questions)
    blocks.push({
      type: 'input',
      block_id: questionBlock(q.code),
      label: plain(pick(q.title, locale), 2000),
      element: {
        type: 'radio_buttons',
        action_id: 'value',
        options: v.settings.grades.map((g) => ({
          text: plain(pick(g.title, locale), LIMITS.optionText),
          value: g.code,
        })),
      },
    });
  blocks.push(context(t(locale, 'evaluation.final')), context(t(locale, 'evaluation.anonymity')));
  return modal({
    callbackId: EVALUATION_VIEWS.ballot,
    privateMetadata: v.privateMetadata,
    title: t(locale, 'evaluation.modal.title'),
    submit: t(locale, 'evaluation.modal.submit'),
    close: t(locale, 'evaluation.modal.cancel'),
    blocks,
  });
}

/** What the evaluation job queues for a voter: the invitation or a reminder, with the branches they have still to rate. */
export interface EvaluationItem {
  message: EvaluationMessage;
  /** The pending branches' names, read when queued (a voter of one or a few branches gets a button each). */
  branches: { id: number; name: string }[];
}

/** Buttons in one DM: a member has one branch, a leader many and gets one button to the picker. */
const BUTTONS_PER_DM = 5;

export function evaluationMessages(locale: Locale, items: EvaluationItem[]): GroupedMessage[] {
  // Several rows for one voter in one run (an invitation and a reminder): the latest says it all.
  const last = items.length - 1;
  const item = items[last]!;
  const { message, branches } = item;
  const names =
    branches.length <= BUTTONS_PER_DM
      ? branches.map((b) => escape(b.name)).join('、')
      : t(locale, 'evaluation.dm.many', { count: branches.length });
  const text = t(locale, message.kind === 'invite' ? 'evaluation.dm.invite' : 'evaluation.dm.remind', {
    branches: names,
    closes: message.closes,
  });
  // One button a branch, each in its own block (an action id is unique within a block); a leader's many go to the choice.
  const buttons: KnownBlock[] =
    branches.length <= BUTTONS_PER_DM
      ? branches.map((b, i) => ({
          type: 'actions',
          elements: [
            button(
              EVALUATION_ACTIONS.vote,
              String(b.id),
              t(locale, 'evaluation.button.vote', { branch: b.name }),
              i === 0 ? 'primary' : undefined,
            ),
          ],
        }))
      : [
          {
            type: 'actions',
            elements: [button(EVALUATION_ACTIONS.open, 'open', t(locale, 'evaluation.button.open'), 'primary')],
          },
        ];
  return [
    {
      text,
      blocks: [section(text), ...buttons, context(t(locale, 'evaluation.final'))],
      indexes: items.map((_, i) => i),
    },
  ];
}

/** Turnout by branch while the round is open (leaders and admins), in branch code order. */
export function turnoutBlocks(
  locale: Locale,
  v: { closes: string; rows: { branch: Branch; voted: number; eligible: number }[] },
): KnownBlock[] {
  const lines = v.rows.map((r) =>
    t(locale, 'evaluation.results.turnout_line', {
      branch: escapeWithin(r.branch.name, 80),
      voted: r.voted,
      eligible: r.eligible,
      turnout: percent(r.eligible === 0 ? null : r.voted / r.eligible),
    }),
  );
  return [section(t(locale, 'evaluation.results.turnout_title', { closes: v.closes })), ...chunked(lines, 40)];
}

/** Lines in as few sections as Slack's 3,000 characters allow, at most `maxBlocks` of them. */
function chunked(lines: string[], maxBlocks: number): KnownBlock[] {
  const blocks: KnownBlock[] = [];
  let current = '';
  for (const line of lines) {
    if (current && current.length + line.length + 1 > LIMITS.sectionText - 10) {
      blocks.push(section(current));
      current = '';
    }
    current = current ? `${current}\n${line}` : line;
  }
  if (current) blocks.push(section(current));
  return blocks.slice(0, maxBlocks);
}

/** The results of a closed round by category (rank within it), with how they are computed. */
export function resultsBlocks(
  locale: Locale,
  v: { year: number; settings: Pick<RoundSettings, 'questions' | 'grades' | 'weight'>; results: BranchResult[] },
): KnownBlock[] {
  const grades = v.settings.grades;
  const blocks: KnownBlock[] = [section(t(locale, 'evaluation.results.title', { year: v.year }))];
  const categories = [...new Set(v.results.map((r) => r.branch.category))];
  const lines: string[] = [];
  for (const category of categories) {
    lines.push(t(locale, 'evaluation.results.category', { category: t(locale, `common.category.${category}`) }));
    const group = v.results
      .filter((r) => r.branch.category === category)
      .sort((a, b) => (a.rank ?? Infinity) - (b.rank ?? Infinity) || a.branch.code.localeCompare(b.branch.code));
    for (const r of group)
      lines.push(
        r.rank === null
          ? t(locale, 'evaluation.results.no_ballots', { branch: escapeWithin(r.branch.name, 80) })
          : t(locale, 'evaluation.results.line', {
              rank: r.rank,
              branch: escapeWithin(r.branch.name, 80),
              satisfaction: percent(r.satisfaction),
              counts: grades.map((g) => `${pick(g.title, locale)} ${r.counts[g.code] ?? 0}`).join(' / '),
              ballots: r.ballots,
              turnout: percent(r.turnout),
            }),
      );
  }
  const body = chunked(lines, LIMITS.messageBlocks - 4);
  blocks.push(...body);
  const shown = body.reduce((n, b) => n + ((b as { text?: { text: string } }).text?.text.split('\n').length ?? 0), 0);
  if (shown < lines.length) blocks.push(context(t(locale, 'evaluation.results.more', { count: lines.length - shown })));
  blocks.push(
    context(
      t(locale, 'evaluation.results.formula', {
        satisfied: grades
          .filter((g) => g.satisfied)
          .map((g) => pick(g.title, locale))
          .join(' + '),
        question: pick(v.settings.questions[0]!.title, locale),
        weight: v.settings.weight,
      }),
    ),
  );
  return blocks;
}

export type EvaluationHome =
  | { state: 'running'; closes: string; voted: number; eligible: number; toRate: number }
  | { state: 'closed'; closed: string; rated: number; low: number | null; high: number | null }
  | { state: 'voter'; closes: string; toRate: number };

/** The evaluation's part of the App Home: turnout for leaders while it runs, the spread of results after; a voter's branches to rate. */
export function evaluationHomeBlocks(locale: Locale, v: EvaluationHome): KnownBlock[] {
  const blocks: KnownBlock[] = [{ type: 'header', text: plain(t(locale, 'evaluation.home.title'), LIMITS.headerText) }];
  if (v.state === 'running')
    blocks.push(
      section(
        t(locale, 'evaluation.home.running', {
          closes: v.closes,
          voted: v.voted,
          eligible: v.eligible,
          turnout: percent(v.eligible === 0 ? null : v.voted / v.eligible),
        }),
      ),
    );
  if (v.state === 'closed')
    blocks.push(
      section(
        t(locale, 'evaluation.home.closed', {
          closed: v.closed,
          rated: v.rated,
          low: percent(v.low),
          high: percent(v.high),
        }),
      ),
    );
  if ((v.state === 'running' || v.state === 'voter') && v.toRate > 0)
    blocks.push({
      type: 'section',
      text: mrkdwn(t(locale, 'evaluation.home.to_rate', { count: v.toRate, closes: v.closes })),
      accessory: button(EVALUATION_ACTIONS.open, 'open', t(locale, 'evaluation.button.open'), 'primary'),
    });
  return blocks;
}
