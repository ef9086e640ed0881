import type { KnownBlock, View } from '@slack/types';
import {
  COMMITMENT_AREAS,
  COMMITMENT_MAX_CHARS,
  CONFIRM_COMMENT_MAX_CHARS,
  FULFILMENT_NOTE_MAX_CHARS,
  OUTCOMES,
  fulfilmentState,
  percentOf,
  type CommitmentArea,
  type CommitmentRate,
  type Outcome,
} from '../domain/commitments.js';
import type { GroupedMessage } from '../delivery/outbox.js';
import { t, type Locale, type MessageKey } from '../i18n/index.js';
import { clip, escape, LIMITS, link, mrkdwn, plain } from './limits.js';
import { button, context, formModal, input, type ModalButtons, section, staticSelect, textInput } from './blocks.js';

/** Block Kit of public commitments (公开承诺): the member's list, the modals, a branch's list, the queue, the post. */

export const COMMITMENT_ACTIONS = {
  add: 'commit_add',
  edit: 'commit_edit',
  withdraw: 'commit_withdraw',
  fulfil: 'commit_fulfil',
  confirm: 'commit_confirm',
} as const;

export const COMMITMENT_VIEWS = {
  commitment: 'commit_submit',
  fulfilment: 'commit_fulfil_submit',
  confirmation: 'commit_confirm_submit',
} as const;

/** A commitment as the builders show it (db/queries/commitments.ts `Commitment` is one). */
export interface ShownCommitment {
  id: number;
  text: string;
  area: CommitmentArea | null;
  outcome: Outcome | null;
  outcomeNote: string | null;
  outcomeLink: string | null;
  confirmation: 'confirmed' | 'returned' | null;
  confirmComment: string | null;
}

export function areaLabel(locale: Locale, area: CommitmentArea | null): string {
  return t(locale, area ? (`commitments.area.${area}` as MessageKey) : 'commitments.area.none');
}

export function outcomeLabel(locale: Locale, outcome: Outcome): string {
  return t(locale, `commitments.outcome.${outcome}` as MessageKey);
}

/** One commitment, its person-written text escaped; with its fulfilment when reported. */
export function commitmentLine(locale: Locale, n: number, c: ShownCommitment): string {
  const area = c.area ? `[${areaLabel(locale, c.area)}] ` : '';
  let line = t(locale, 'commitments.line', { n, area, text: escape(c.text) });
  if (c.outcome) {
    const note = [c.outcomeNote ? escape(c.outcomeNote) : '', c.outcomeLink ? link(c.outcomeLink) : '']
      .filter((s) => s !== '')
      .join(' ');
    line += `\n${t(locale, 'commitments.line.fulfilment', {
      outcome: outcomeLabel(locale, c.outcome),
      state: t(locale, `commitments.state.${fulfilmentState(c)}` as MessageKey),
      note,
    })}`;
  }
  return line;
}

export interface MineInput {
  locale: Locale;
  commitments: readonly ShownCommitment[];
  max: number;
  /** The window line, already in words. */
  windowLine: string;
  canEdit: boolean;
  canFulfil: boolean;
}

/** `/commit`: the member's commitments, with what they may do with each. */
export function mineBlocks(v: MineInput): KnownBlock[] {
  const { locale } = v;
  const blocks: KnownBlock[] = [
    section(t(locale, 'commitments.mine.header', { count: v.commitments.length, max: v.max })),
    context(v.windowLine),
  ];
  if (v.commitments.length === 0) blocks.push(section(t(locale, 'commitments.mine.none')));
  // At most 5 commitments: far inside the 50 blocks of a message.
  v.commitments.forEach((c, i) => {
    blocks.push(section(commitmentLine(locale, i + 1, c)));
    if (c.confirmation === 'returned' && c.confirmComment)
      blocks.push(context(t(locale, 'commitments.line.commentary', { name: '', text: escape(c.confirmComment) })));
    const actions = [
      ...(v.canEdit
        ? [
            button(COMMITMENT_ACTIONS.edit, String(c.id), t(locale, 'commitments.button.edit')),
            button(COMMITMENT_ACTIONS.withdraw, String(c.id), t(locale, 'commitments.button.withdraw'), 'danger'),
          ]
        : []),
      ...(v.canFulfil && c.confirmation !== 'confirmed'
        ? [button(COMMITMENT_ACTIONS.fulfil, String(c.id), t(locale, 'commitments.button.fulfil'))]
        : []),
    ];
    if (actions.length > 0) blocks.push({ type: 'actions', elements: actions });
  });
  if (v.canEdit && v.commitments.length < v.max)
    blocks.push({
      type: 'actions',
      elements: [button(COMMITMENT_ACTIONS.add, 'new', t(locale, 'commitments.button.add'), 'primary')],
    });
  return blocks;
}

/** The commitment modal: the text (up to 200 characters) and an optional area. */

const COMMITMENT_MODAL: ModalButtons = { submit: 'commitments.modal.submit', close: 'commitments.modal.cancel' };

export function commitmentModal(v: {
  locale: Locale;
  branchName: string;
  closes: string;
  max: number;
  editing: ShownCommitment | null;
  privateMetadata: string;
}): View {
  const { locale, editing } = v;
  const blocks: KnownBlock[] = [
    section(
      t(locale, 'commitments.modal.intro', {
        branch: escape(v.branchName),
        chars: COMMITMENT_MAX_CHARS,
        max: v.max,
        closes: v.closes,
      }),
    ),
    // Slack counts max_length in its own units; the limit that holds is the server's (parseCommitmentForm).
    textInput(locale, 'text', 'commitments.field.text', {
      max: COMMITMENT_MAX_CHARS,
      multiline: true,
      initial: editing?.text,
    }),
    input(
      locale,
      'area',
      'commitments.field.area',
      staticSelect(
        COMMITMENT_AREAS.map((a) => ({ value: a, text: areaLabel(locale, a) })),
        editing?.area,
      ),
      { optional: true },
    ),
  ];
  return formModal(
    COMMITMENT_MODAL,
    v,
    COMMITMENT_VIEWS.commitment,
    editing ? 'commitments.modal.title_edit' : 'commitments.modal.title',
    blocks,
  );
}

/** The fulfilment modal: fulfilled / partly / not, a short note, an optional link. */
export function fulfilmentModal(v: { locale: Locale; commitment: ShownCommitment; privateMetadata: string }): View {
  const { locale, commitment: c } = v;
  const blocks: KnownBlock[] = [
    section(commitmentLine(locale, 1, { ...c, outcome: null })),
    ...(c.confirmation === 'returned' && c.confirmComment
      ? [context(t(locale, 'commitments.line.commentary', { name: '', text: escape(c.confirmComment) }))]
      : []),
    input(
      locale,
      'outcome',
      'commitments.field.outcome',
      staticSelect(
        OUTCOMES.map((o) => ({ value: o, text: outcomeLabel(locale, o) })),
        c.outcome,
      ),
    ),
    textInput(locale, 'note', 'commitments.field.note', {
      max: FULFILMENT_NOTE_MAX_CHARS,
      multiline: true,
      initial: c.outcomeNote,
    }),
    textInput(locale, 'link', 'commitments.field.link', { max: 500, initial: c.outcomeLink, optional: true }),
  ];
  return formModal(COMMITMENT_MODAL, v, COMMITMENT_VIEWS.fulfilment, 'commitments.modal.fulfil_title', blocks);
}

/** The secretary's confirmation: the member's fulfilment, confirm or return, a commentary. */
export function confirmationModal(v: {
  locale: Locale;
  personName: string;
  commitment: ShownCommitment;
  privateMetadata: string;
}): View {
  const { locale } = v;
  const blocks: KnownBlock[] = [
    section(t(locale, 'commitments.list.person', { name: escape(v.personName) })),
    section(commitmentLine(locale, 1, v.commitment)),
    input(
      locale,
      'decision',
      'commitments.field.confirmation',
      staticSelect([
        { value: 'confirmed', text: t(locale, 'commitments.choice.confirmed') },
        { value: 'returned', text: t(locale, 'commitments.choice.returned') },
      ]),
    ),
    textInput(locale, 'comment', 'commitments.field.commentary', {
      max: CONFIRM_COMMENT_MAX_CHARS,
      multiline: true,
      optional: true,
    }),
  ];
  return formModal(COMMITMENT_MODAL, v, COMMITMENT_VIEWS.confirmation, 'commitments.modal.confirm_title', blocks);
}

export interface BranchList {
  branchName: string;
  rate: CommitmentRate;
  people: { name: string; commitments: ShownCommitment[] }[];
}

function pct(locale: Locale, part: number, whole: number): string {
  const p = percentOf(part, whole);
  return p === null ? '—' : `${p}%`;
}

/** The lines of a branch's list: one section per person (their commitments under their name). */
function personSections(locale: Locale, people: BranchList['people']): KnownBlock[] {
  return people.map((p) =>
    section(
      [
        t(locale, 'commitments.list.person', { name: escape(p.name) }),
        ...p.commitments.map((c, i) => commitmentLine(locale, i + 1, c)),
      ].join('\n'),
    ),
  );
}

/** `/commit list [branch]`: a branch's public commitments, person by person, with its rates. */
export function branchListBlocks(locale: Locale, list: BranchList): KnownBlock[] {
  const { rate } = list;
  const blocks: KnownBlock[] = [
    section(
      t(locale, 'commitments.list.header', {
        branch: escape(list.branchName),
        committed: rate.committed,
        required: rate.required,
        pct: pct(locale, rate.committed, rate.required),
      }),
    ),
    context(
      t(locale, 'commitments.list.rates', {
        confirmed: rate.confirmed,
        fulfilled: rate.fulfilled,
        partly: rate.partly,
      }),
    ),
  ];
  if (list.people.length === 0)
    return [...blocks, section(t(locale, 'commitments.list.empty', { branch: escape(list.branchName) }))];
  const room = LIMITS.messageBlocks - blocks.length - 1;
  const sections = personSections(locale, list.people);
  blocks.push(...sections.slice(0, room));
  if (sections.length > room)
    blocks.push(context(t(locale, 'commitments.list.more', { count: sections.length - room })));
  return blocks;
}

export interface QueueLine {
  commitment: ShownCommitment & { version: number };
  personName: string;
  branchName: string;
}

/** One line of the queue with its Confirm button (value `id:version`, so a changed fulfilment is not confirmed unseen). */
function queueLine(locale: Locale, l: QueueLine): KnownBlock {
  const c = l.commitment;
  return {
    type: 'section',
    text: mrkdwn(
      clip(
        t(locale, 'commitments.queue.line', {
          name: escape(l.personName),
          branch: escape(l.branchName),
          text: escape(c.text),
          outcome: c.outcome ? outcomeLabel(locale, c.outcome) : '',
          note: [c.outcomeNote ? escape(c.outcomeNote) : '', c.outcomeLink ? link(c.outcomeLink) : '']
            .filter((s) => s !== '')
            .join(' '),
        }),
        LIMITS.sectionText,
      ),
    ),
    accessory: button(COMMITMENT_ACTIONS.confirm, `${c.id}:${c.version}`, t(locale, 'commitments.button.confirm')),
  };
}

/** `/commit queue`: fulfilment waiting for the secretary, a button each (the first 48). */
export function queueBlocks(locale: Locale, lines: readonly QueueLine[]): KnownBlock[] {
  if (lines.length === 0) return [section(t(locale, 'commitments.queue.none'))];
  const blocks: KnownBlock[] = [section(t(locale, 'commitments.queue.header', { count: lines.length }))];
  for (const l of lines.slice(0, LIMITS.messageBlocks - 2)) blocks.push(queueLine(locale, l));
  if (lines.length > LIMITS.messageBlocks - 2)
    blocks.push(context(t(locale, 'commitments.queue.more', { count: lines.length - (LIMITS.messageBlocks - 2) })));
  return blocks;
}

/**
 * The window-close post of a branch: a message with the header and the first people, and the rest
 * as thread replies, each within Slack's 50 blocks (45 people a message).
 */
export function branchPosts(
  locale: Locale,
  v: { branchName: string; closes: string; people: BranchList['people']; count: number },
): { main: { text: string; blocks: KnownBlock[] }; thread: { text: string; blocks: KnownBlock[] }[] } {
  const per = LIMITS.messageBlocks - 5;
  const sections = personSections(locale, v.people);
  const text = t(locale, 'commitments.post.text', { branch: v.branchName });
  const head: KnownBlock[] = [
    {
      type: 'header',
      text: plain(t(locale, 'commitments.post.header', { branch: v.branchName, count: v.count }), LIMITS.headerText),
    },
    context(t(locale, 'commitments.post.intro', { branch: escape(v.branchName), closes: v.closes })),
  ];
  const first = sections.slice(0, per);
  const rest: KnownBlock[][] = [];
  for (let i = per; i < sections.length; i += per) rest.push(sections.slice(i, i + per));
  return {
    main: {
      text,
      blocks: [
        ...head,
        ...(first.length > 0
          ? first
          : [section(t(locale, 'commitments.list.empty', { branch: escape(v.branchName) }))]),
        ...(rest.length > 0 ? [context(t(locale, 'commitments.post.more'))] : []),
      ],
    },
    thread: rest.map((blocks) => ({ text, blocks })),
  };
}

export type CommitmentReminderItem =
  | { kind: 'commit'; closes: string; daysLeft: number }
  | { kind: 'fulfil'; due: string; unreported: number }
  | { kind: 'confirm'; waiting: number };

/** The commitments job's DM: what a person has to do about public commitments today. */
export function commitmentReminderMessages(locale: Locale, items: CommitmentReminderItem[]): GroupedMessage[] {
  const lines = items.map((i) =>
    i.kind === 'commit'
      ? i.daysLeft === 0
        ? t(locale, 'commitments.reminder.commit_today', { closes: i.closes })
        : t(locale, 'commitments.reminder.commit', { closes: i.closes, days: i.daysLeft })
      : i.kind === 'fulfil'
        ? t(locale, 'commitments.reminder.fulfil', { count: i.unreported, due: i.due })
        : t(locale, 'commitments.reminder.confirm', { count: i.waiting }),
  );
  return [
    {
      text: t(locale, 'commitments.reminder.text', { count: items.length }),
      blocks: [section(t(locale, 'commitments.reminder.header')), ...lines.map((l) => section(l))],
      indexes: items.map((_, i) => i),
    },
  ];
}

/** Queue lines the App Home shows with their buttons before pointing to `/commit queue`. */
export const HOME_QUEUE_MAX = 5;

export interface CommitmentsHome {
  /** The member's own list; null when the plan asks nothing of them and they have none. */
  mine: MineInput | null;
  /** The fulfilment waiting for this secretary; null for someone who is no secretary. */
  queue: readonly QueueLine[] | null;
}

/**
 * The App Home's part: the member's commitments with their buttons, and the secretary's queue (the
 * first five with a Confirm button each). At most 2 + 16 + 1 + 5 + 1 blocks.
 */
export function commitmentsHomeBlocks(locale: Locale, home: CommitmentsHome | null | undefined): KnownBlock[] {
  if (!home || (!home.mine && (home.queue === null || home.queue.length === 0))) return [];
  const blocks: KnownBlock[] = [
    { type: 'header', text: plain(t(locale, 'commitments.home.header'), LIMITS.headerText) },
  ];
  if (home.mine) blocks.push(...mineBlocks(home.mine));
  if (home.queue && home.queue.length > 0) {
    blocks.push(section(t(locale, 'commitments.home.queue', { count: home.queue.length })));
    for (const l of home.queue.slice(0, HOME_QUEUE_MAX)) blocks.push(queueLine(locale, l));
    if (home.queue.length > HOME_QUEUE_MAX)
      blocks.push(context(t(locale, 'commitments.home.queue_more', { count: home.queue.length - HOME_QUEUE_MAX })));
  }
  return blocks;
}
