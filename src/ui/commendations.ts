import type { KnownBlock, View } from '@slack/types';
import { COMMEND_BLOCKS, COMMEND_TEXT } from '../domain/commendation-forms.js';
import {
  reviewAllowed,
  type AwardCategory,
  type NominationRefusal,
  type NominationStatus,
  type ReviewDecision,
  type Round,
  type RoundPhase,
} from '../domain/commendations.js';
import { pick, t, type Locale, type MessageKey } from '../i18n/index.js';
import { LIMITS, clip, escape, link, mrkdwn, plain } from './limits.js';
import {
  button,
  channelInput,
  context,
  formModal,
  input,
  type ModalButtons,
  radioInput,
  section,
  staticSelect,
  textInput,
} from './blocks.js';
import { stageLabel } from './projects.js';

/** Commendation rounds in Slack: nominating, reviewing, the publicity post with its objections, the final list. */

export const COMMEND_ACTIONS = {
  nominate: 'commend_nominate',
  revise: 'commend_revise',
  withdraw: 'commend_withdraw',
  review: 'commend_review',
  list: 'commend_list',
  publicity: 'commend_publicity',
  object: 'commend_object',
  objection: 'commend_objection',
  announce: 'commend_announce',
} as const;

export const COMMEND_VIEWS = {
  nominate: 'commend_nominate_submit',
  review: 'commend_review_submit',
  publicity: 'commend_publicity_submit',
  object: 'commend_object_submit',
  objection: 'commend_objection_submit',
  announce: 'commend_announce_submit',
} as const;

/** A nominee's number, as people quote it in an objection: №12. */
export function nominationNumber(id: number): string {
  return `№${id}`;
}

export function statusLabel(locale: Locale, status: NominationStatus): string {
  return t(locale, `commend.status.${status}` as MessageKey);
}

export function phaseLabel(locale: Locale, phase: RoundPhase): string {
  return t(locale, `commend.phase.${phase}` as MessageKey);
}

export function refusalText(locale: Locale, r: NominationRefusal): string {
  switch (r.key) {
    case 'closed':
      return t(locale, 'commend.refused.closed', { due: r.due });
    case 'quota':
      return t(locale, 'commend.refused.quota', { quota: r.quota });
    case 'overdue':
      return t(locale, 'commend.refused.overdue', { overdue: r.overdue, max: r.max });
    case 'stage':
      return t(locale, 'commend.refused.stage', { stage: stageLabel(locale, r.stage), min: stageLabel(locale, r.min) });
    default:
      return t(locale, `commend.refused.${r.key}` as MessageKey);
  }
}

/** What a list line says of a nominee: number, name, branch, category. */
export interface NomineeLine {
  id: number;
  category: string;
  nomineeName: string;
  branchName: string;
  nomineeKind: 'branch' | 'person' | 'project';
  status: NominationStatus;
}

function nomineeText(locale: Locale, n: NomineeLine): string {
  const key =
    n.nomineeKind === 'branch'
      ? 'commend.nominee.branch'
      : n.nomineeKind === 'project'
        ? 'commend.nominee.project'
        : 'commend.nominee.person';
  return t(locale, key, {
    number: nominationNumber(n.id),
    name: escape(clip(n.nomineeName, 60)),
    branch: escape(clip(n.branchName, 40)),
  });
}

function categoryTitle(locale: Locale, round: Round, code: string): string {
  const c = round.categories.find((x) => x.code === code);
  return c ? pick(c.title, locale) : code;
}

// The modals.

const COMMEND_MODAL: ModalButtons = { submit: 'commend.modal.submit', close: 'commend.modal.cancel' };

export function nominateModal(v: {
  locale: Locale;
  round: Round;
  category: AwardCategory;
  branches: { id: number; name: string }[];
  /** When the secretary has one branch (or the nomination is revised): its name. */
  branchName: string | null;
  notes: string[];
  projects: { id: number; title: string }[];
  revising: { citation: string; evidenceLink: string | null; nominee: string; comment: string | null } | null;
  privateMetadata: string;
}): View {
  const { locale, category, revising } = v;
  const blocks: KnownBlock[] = [
    section(
      [
        t(locale, 'commend.nominate.intro', {
          round: pick(v.round.title, locale),
          category: pick(category.title, locale),
          due: v.round.nominations_due,
          quota: category.quota.per_branch,
        }),
        ...(category.description ? [pick(category.description, locale)] : []),
        ...v.notes,
      ].join('\n'),
    ),
  ];
  if (revising) {
    blocks.push(section(t(locale, 'commend.nominate.revising', { nominee: escape(revising.nominee) })));
    if (revising.comment)
      blocks.push(context(t(locale, 'commend.nominate.returned_comment', { comment: escape(revising.comment) })));
  } else if (v.branchName === null)
    blocks.push(
      input(
        locale,
        COMMEND_BLOCKS.branch,
        'commend.field.branch',
        staticSelect(v.branches.map((b) => ({ text: b.name, value: String(b.id) }))),
      ),
    );
  else blocks.push(context(t(locale, 'commend.nominate.branch', { branch: escape(v.branchName) })));
  if (!revising && category.nominee === 'person')
    blocks.push({
      type: 'input',
      block_id: COMMEND_BLOCKS.person,
      label: plain(t(locale, 'commend.field.person'), 2000),
      hint: plain(t(locale, 'commend.field.person_hint'), 2000),
      element: { type: 'users_select', action_id: 'value' },
    });
  if (!revising && category.nominee === 'project') {
    if (v.projects.length === 0) blocks.push(section(t(locale, 'commend.nominate.no_project')));
    else
      blocks.push(
        input(
          locale,
          COMMEND_BLOCKS.project,
          'commend.field.project',
          staticSelect(v.projects.map((p) => ({ text: p.title, value: String(p.id) }))),
        ),
      );
  }
  blocks.push(
    textInput(locale, COMMEND_BLOCKS.citation, 'commend.field.citation', {
      max: COMMEND_TEXT.citation,
      multiline: true,
      initial: revising?.citation,
      hint: 'commend.field.citation_hint',
    }),
    {
      type: 'input',
      block_id: COMMEND_BLOCKS.link,
      optional: true,
      label: plain(t(locale, 'commend.field.link'), 2000),
      element: {
        type: 'url_text_input',
        action_id: 'value',
        ...(revising?.evidenceLink ? { initial_value: revising.evidenceLink } : {}),
      },
    },
  );
  return formModal(
    COMMEND_MODAL,
    v,
    COMMEND_VIEWS.nominate,
    revising ? 'commend.nominate.title_revise' : 'commend.nominate.title',
    blocks,
  );
}

export function commendReviewModal(v: {
  locale: Locale;
  round: Round;
  nomination: NomineeLine & { citation: string; evidenceLink: string | null; reviewComment: string | null };
  shortlisted: number;
  quota: number | null;
  privateMetadata: string;
}): View {
  const { locale, nomination: n } = v;
  const decisions = (['accept', 'return', 'shortlist', 'unshortlist'] as ReviewDecision[]).filter((d) =>
    reviewAllowed(n.status, d),
  );
  const blocks: KnownBlock[] = [
    section(
      `*${nomineeText(locale, n)}*\n${t(locale, 'commend.review.facts', {
        round: pick(v.round.title, locale),
        category: categoryTitle(locale, v.round, n.category),
        status: statusLabel(locale, n.status),
        shortlisted: v.shortlisted,
        quota: v.quota ?? '∞',
      })}`,
    ),
    section(`*${t(locale, 'commend.field.citation')}*\n${escape(n.citation)}`),
  ];
  if (n.evidenceLink) blocks.push(section(`*${t(locale, 'commend.field.link')}*: ${link(n.evidenceLink)}`));
  if (n.reviewComment)
    blocks.push(context(t(locale, 'commend.review.last_comment', { comment: escape(n.reviewComment) })));
  if (decisions.length > 0)
    blocks.push(
      radioInput(
        locale,
        COMMEND_BLOCKS.decision,
        'commend.field.decision',
        decisions.map((d) => ({ value: d, text: t(locale, `commend.decision.${d}` as MessageKey) })),
      ),
      textInput(locale, COMMEND_BLOCKS.comment, 'commend.field.comment', {
        max: COMMEND_TEXT.comment,
        multiline: true,
        optional: true,
        hint: 'commend.field.comment_hint',
      }),
    );
  else blocks.push(section(t(locale, 'commend.review.nothing_to_decide')));
  return formModal(
    COMMEND_MODAL,
    v,
    COMMEND_VIEWS.review,
    'commend.review.title',
    blocks,
    decisions.length > 0 ? 'commend.modal.submit' : null,
  );
}

export function publicityModal(v: {
  locale: Locale;
  round: Round;
  counts: { category: string; count: number }[];
  from: string;
  to: string;
  privateMetadata: string;
}): View {
  const { locale } = v;
  const total = v.counts.reduce((n, c) => n + c.count, 0);
  const lines = v.counts.map((c) => `• ${categoryTitle(locale, v.round, c.category)} ${c.count}`);
  const blocks: KnownBlock[] = [
    section(
      [
        t(locale, 'commend.publicity.intro', {
          round: pick(v.round.title, locale),
          count: total,
          from: v.from,
          to: v.to,
          days: v.round.publicity_days,
        }),
        ...lines,
      ].join('\n'),
    ),
    ...(total > 0
      ? [channelInput(locale, COMMEND_BLOCKS.channel, 'commend.field.channel')]
      : [section(t(locale, 'commend.publicity.empty'))]),
  ];
  return formModal(
    COMMEND_MODAL,
    v,
    COMMEND_VIEWS.publicity,
    'commend.publicity.title',
    blocks,
    total > 0 ? 'commend.publicity.submit' : null,
  );
}

export function objectionModal(v: {
  locale: Locale;
  round: Round;
  options: NomineeLine[];
  privateMetadata: string;
}): View {
  const { locale } = v;
  const blocks: KnownBlock[] = [
    section(t(locale, 'commend.object.intro', { round: pick(v.round.title, locale) })),
    {
      type: 'input',
      block_id: COMMEND_BLOCKS.nominee,
      label: plain(t(locale, 'commend.field.nominee'), 2000),
      element: {
        type: 'static_select',
        action_id: 'value',
        options: v.options.slice(0, LIMITS.selectOptions).map((n) => ({
          text: plain(
            `${nominationNumber(n.id)} ${n.nomineeName} · ${categoryTitle(locale, v.round, n.category)}`,
            LIMITS.optionText,
          ),
          value: String(n.id),
        })),
      },
    },
    textInput(locale, COMMEND_BLOCKS.text, 'commend.field.objection', {
      max: COMMEND_TEXT.objection,
      multiline: true,
      hint: 'commend.field.objection_hint',
    }),
  ];
  return formModal(COMMEND_MODAL, v, COMMEND_VIEWS.object, 'commend.object.title', blocks);
}

export function objectionDecisionModal(v: {
  locale: Locale;
  round: Round;
  nominee: NomineeLine;
  objection: { text: string; raisedByName: string; raisedAt: string };
  privateMetadata: string;
}): View {
  const { locale } = v;
  const blocks: KnownBlock[] = [
    section(
      `*${nomineeText(locale, v.nominee)}*\n${t(locale, 'commend.objection.by', {
        who: escape(v.objection.raisedByName),
        at: v.objection.raisedAt,
        category: categoryTitle(locale, v.round, v.nominee.category),
      })}`,
    ),
    section(escape(v.objection.text)),
    radioInput(
      locale,
      COMMEND_BLOCKS.decision,
      'commend.field.decision',
      (['uphold', 'dismiss'] as const).map((d) => ({ value: d, text: t(locale, `commend.objection.${d}`) })),
    ),
    textInput(locale, COMMEND_BLOCKS.reason, 'commend.field.reason', { max: COMMEND_TEXT.comment, multiline: true }),
  ];
  return formModal(COMMEND_MODAL, v, COMMEND_VIEWS.objection, 'commend.objection.title', blocks);
}

export function announceModal(v: {
  locale: Locale;
  round: Round;
  counts: { category: string; count: number }[];
  struck: number;
  open: number;
  ready: boolean;
  blocker: string | null;
  privateMetadata: string;
}): View {
  const { locale } = v;
  const lines = v.counts.map((c) => `• ${categoryTitle(locale, v.round, c.category)} ${c.count}`);
  const blocks: KnownBlock[] = [
    section(
      [
        t(locale, 'commend.announce.intro', { round: pick(v.round.title, locale), struck: v.struck, open: v.open }),
        ...lines,
      ].join('\n'),
    ),
    ...(v.blocker ? [section(v.blocker)] : []),
  ];
  return formModal(
    COMMEND_MODAL,
    v,
    COMMEND_VIEWS.announce,
    'commend.announce.title',
    blocks,
    v.ready ? 'commend.announce.submit' : null,
  );
}

// The lists.

export interface SecretaryRound {
  round: Round;
  phase: RoundPhase;
  /** Per category: nominations made by the caller's branches, and whether one more may be made. */
  categories: { category: AwardCategory; made: number; open: boolean }[];
  nominations: (NomineeLine & { reviewComment: string | null })[];
  closedReason: string | null;
}

/** A round's header and its dates, atop a secretary's list and a leader's progress alike. */
function roundHeading(
  locale: Locale,
  headerKey: 'commend.mine.header' | 'commend.rounds.header',
  round: Round,
  phase: RoundPhase,
): KnownBlock[] {
  return [
    { type: 'header', text: plain(t(locale, headerKey, { round: pick(round.title, locale) }), LIMITS.headerText) },
    context(
      t(locale, 'commend.mine.dates', {
        due: round.nominations_due,
        announce: round.announce_by,
        phase: phaseLabel(locale, phase),
      }),
    ),
  ];
}

export function secretaryRoundsBlocks(locale: Locale, rounds: readonly SecretaryRound[]): KnownBlock[] {
  const blocks: KnownBlock[] = [];
  for (const r of rounds) {
    blocks.push(...roundHeading(locale, 'commend.mine.header', r.round, r.phase));
    for (const c of r.categories) {
      const text = t(locale, 'commend.mine.category', {
        category: pick(c.category.title, locale),
        made: c.made,
        quota: c.category.quota.per_branch,
      });
      blocks.push(
        c.open
          ? {
              type: 'section',
              text: mrkdwn(text),
              accessory: button(
                COMMEND_ACTIONS.nominate,
                JSON.stringify({ r: r.round.code, c: c.category.code }),
                t(locale, 'commend.button.nominate'),
                'primary',
              ),
            }
          : section(text),
      );
    }
    if (r.closedReason) blocks.push(context(r.closedReason));
    for (const n of r.nominations.slice(0, 15)) {
      const text = `${nomineeText(locale, n)} · ${categoryTitle(locale, r.round, n.category)} · ${statusLabel(locale, n.status)}${
        n.status === 'returned' && n.reviewComment
          ? `\n${t(locale, 'commend.mine.comment', { comment: escape(clip(n.reviewComment, 300)) })}`
          : ''
      }`;
      const accessory =
        r.phase === 'publicity' || r.phase === 'closing' || r.phase === 'announced'
          ? null
          : n.status === 'returned'
            ? button(COMMEND_ACTIONS.revise, String(n.id), t(locale, 'commend.button.revise'))
            : n.status === 'submitted'
              ? button(COMMEND_ACTIONS.withdraw, String(n.id), t(locale, 'commend.button.withdraw'), 'danger')
              : null;
      blocks.push(
        accessory ? { type: 'section', text: mrkdwn(clip(text, LIMITS.sectionText)), accessory } : section(text),
      );
    }
  }
  return blocks.slice(0, LIMITS.messageBlocks);
}

export interface LeaderRound {
  round: Round;
  phase: RoundPhase;
  byCategory: { category: AwardCategory; counts: Partial<Record<NominationStatus, number>> }[];
  publicity: { from: string; to: string; channelId: string } | null;
  openObjections: { id: number; nominee: NomineeLine; text: string }[];
  isAdmin: boolean;
  isLeader: boolean;
}

export function leaderRoundsBlocks(locale: Locale, rounds: readonly LeaderRound[]): KnownBlock[] {
  const blocks: KnownBlock[] = [];
  for (const r of rounds) {
    blocks.push(...roundHeading(locale, 'commend.rounds.header', r.round, r.phase));
    const lines = r.byCategory.map((c) => {
      const counts = Object.entries(c.counts)
        .filter(([, n]) => (n ?? 0) > 0)
        .map(([s, n]) => `${statusLabel(locale, s as NominationStatus)} ${n}`)
        .join(' · ');
      return t(locale, 'commend.rounds.category', {
        category: pick(c.category.title, locale),
        counts: counts || '—',
        total: c.category.quota.total ?? '∞',
      });
    });
    blocks.push(section(lines.join('\n')));
    if (r.publicity)
      blocks.push(
        context(
          t(locale, 'commend.rounds.publicity', {
            from: r.publicity.from,
            to: r.publicity.to,
            channel: `<#${r.publicity.channelId}>`,
          }),
        ),
      );
    const buttons = [
      r.isLeader ? button(COMMEND_ACTIONS.list, r.round.code, t(locale, 'commend.button.list')) : null,
      r.isAdmin && (r.phase === 'nominating' || r.phase === 'reviewing')
        ? button(COMMEND_ACTIONS.publicity, r.round.code, t(locale, 'commend.button.publicity'), 'primary')
        : null,
      r.isAdmin && r.phase === 'closing'
        ? button(COMMEND_ACTIONS.announce, r.round.code, t(locale, 'commend.button.announce'), 'primary')
        : null,
    ].filter((b) => b !== null);
    if (buttons.length > 0) blocks.push({ type: 'actions', elements: buttons });
    if (r.isAdmin)
      for (const o of r.openObjections.slice(0, 10))
        blocks.push({
          type: 'section',
          text: mrkdwn(
            clip(
              t(locale, 'commend.rounds.objection', {
                nominee: nomineeText(locale, o.nominee),
                text: escape(clip(o.text, 200)),
              }),
              LIMITS.sectionText,
            ),
          ),
          accessory: button(COMMEND_ACTIONS.objection, String(o.id), t(locale, 'commend.button.decide')),
        });
  }
  return blocks.slice(0, LIMITS.messageBlocks);
}

export const REVIEW_PAGE = 20;

/** A page of a round's nominations for the leaders, each with its Review button. */
export function reviewPageBlocks(v: {
  locale: Locale;
  round: Round;
  category: string | null;
  page: number;
  nominations: readonly NomineeLine[];
}): KnownBlock[] {
  const { locale, round } = v;
  const pages = Math.max(1, Math.ceil(v.nominations.length / REVIEW_PAGE));
  const page = Math.min(v.page, pages);
  const shown = v.nominations.slice((page - 1) * REVIEW_PAGE, page * REVIEW_PAGE);
  const blocks: KnownBlock[] = [
    {
      type: 'header',
      text: plain(
        t(locale, 'commend.list.header', {
          round: pick(round.title, locale),
          category: v.category ? categoryTitle(locale, round, v.category) : t(locale, 'commend.list.all'),
        }),
        LIMITS.headerText,
      ),
    },
    context(t(locale, 'commend.list.page', { page, pages, count: v.nominations.length, round: round.code })),
  ];
  for (const n of shown)
    blocks.push({
      type: 'section',
      text: mrkdwn(
        clip(
          `${nomineeText(locale, n)} · ${categoryTitle(locale, round, n.category)} · ${statusLabel(locale, n.status)}`,
          LIMITS.sectionText,
        ),
      ),
      accessory: button(COMMEND_ACTIONS.review, String(n.id), t(locale, 'commend.button.review')),
    });
  if (shown.length === 0) blocks.push(section(t(locale, 'commend.list.none')));
  return blocks;
}

// The posts: the publicity (公示) and the final list, each a summary and its lists in the thread.

const LINES_PER_SECTION = 20;
/** Nominees in one thread reply: one objection button's select lists at most 100 options. */
export const NOMINEES_PER_REPLY = 100;

export interface Posts {
  main: { text: string; blocks: KnownBlock[] };
  thread: { text: string; blocks: KnownBlock[] }[];
}

/** The list in the order posted: by the plan's categories, then by number; the parts of the thread follow it. */
export function postedOrder<N extends NomineeLine>(round: Round, nominees: readonly N[]): N[] {
  const order = new Map(round.categories.map((c, i) => [c.code, i]));
  return [...nominees].sort((a, b) => (order.get(a.category) ?? 99) - (order.get(b.category) ?? 99) || a.id - b.id);
}

function listReplies(
  locale: Locale,
  round: Round,
  nominees: readonly NomineeLine[],
  withObjection: boolean,
): Posts['thread'] {
  const ordered = postedOrder(round, nominees);
  const replies: Posts['thread'] = [];
  const parts = Math.ceil(ordered.length / NOMINEES_PER_REPLY);
  for (let p = 0; p < parts; p++) {
    const chunk = ordered.slice(p * NOMINEES_PER_REPLY, (p + 1) * NOMINEES_PER_REPLY);
    const lines: string[] = [];
    let last = '';
    for (const n of chunk) {
      if (n.category !== last) lines.push(`*${categoryTitle(locale, round, n.category)}*`);
      last = n.category;
      lines.push(nomineeText(locale, n));
    }
    const title = t(locale, 'commend.post.part', { part: p + 1, parts });
    const blocks: KnownBlock[] = [section(title)];
    for (let i = 0; i < lines.length; i += LINES_PER_SECTION)
      blocks.push(section(lines.slice(i, i + LINES_PER_SECTION).join('\n')));
    if (withObjection)
      blocks.push({
        type: 'actions',
        elements: [
          button(
            COMMEND_ACTIONS.object,
            JSON.stringify({ r: round.code, p: p + 1 }),
            t(locale, 'commend.button.object'),
          ),
        ],
      });
    replies.push({ text: title.replace(/\*/g, ''), blocks });
  }
  return replies;
}

function countsLine(locale: Locale, round: Round, nominees: readonly NomineeLine[]): string {
  return round.categories
    .map((c) => `${pick(c.title, locale)} ${nominees.filter((n) => n.category === c.code).length}`)
    .join(' · ');
}

const POST_KEYS = {
  publicity: { text: 'commend.post.publicity_text', header: 'commend.post.publicity_header' },
  final: { text: 'commend.post.final_text', header: 'commend.post.final_header' },
} as const;

/** A round's post: its header over `body`, and the nominees listed in its thread (with objection buttons while publicised). */
function roundPosts(
  locale: Locale,
  round: Round,
  post: keyof typeof POST_KEYS,
  nominees: readonly NomineeLine[],
  body: KnownBlock[],
): Posts {
  const title = pick(round.title, locale);
  return {
    main: {
      text: t(locale, POST_KEYS[post].text, { round: title, count: nominees.length }),
      blocks: [
        { type: 'header', text: plain(t(locale, POST_KEYS[post].header, { round: title }), LIMITS.headerText) },
        ...body,
      ],
    },
    thread: listReplies(locale, round, nominees, post === 'publicity'),
  };
}

export function publicityPosts(
  locale: Locale,
  round: Round,
  shortlist: readonly NomineeLine[],
  period: { from: string; to: string },
): Posts {
  return roundPosts(locale, round, 'publicity', shortlist, [
    section(
      [
        t(locale, 'commend.post.publicity_intro', {
          count: shortlist.length,
          from: period.from,
          to: period.to,
          days: round.publicity_days,
        }),
        countsLine(locale, round, shortlist),
      ].join('\n'),
    ),
    context(t(locale, 'commend.post.publicity_how')),
  ]);
}

export function announcementPosts(locale: Locale, round: Round, awarded: readonly NomineeLine[]): Posts {
  return roundPosts(locale, round, 'final', awarded, [
    section(
      [t(locale, 'commend.post.final_intro', { count: awarded.length }), countsLine(locale, round, awarded)].join('\n'),
    ),
  ]);
}

// The App Home's part.

export interface CommendationsHome {
  /** For a secretary: rounds taking nominations, with what their branches made. */
  rounds: { round: Round; made: number; due: string }[];
  /** For an admin: objections to decide. */
  objections: { id: number; nominee: NomineeLine }[];
}

export function commendationsHomeBlocks(locale: Locale, home: CommendationsHome | null | undefined): KnownBlock[] {
  if (!home || (home.rounds.length === 0 && home.objections.length === 0)) return [];
  const blocks: KnownBlock[] = [{ type: 'header', text: plain(t(locale, 'commend.home.header'), LIMITS.headerText) }];
  for (const r of home.rounds.slice(0, 2))
    blocks.push(
      section(t(locale, 'commend.home.round', { round: pick(r.round.title, locale), due: r.due, made: r.made })),
    );
  for (const o of home.objections.slice(0, 3))
    blocks.push({
      type: 'section',
      text: mrkdwn(
        clip(t(locale, 'commend.home.objection', { nominee: nomineeText(locale, o.nominee) }), LIMITS.sectionText),
      ),
      accessory: button(COMMEND_ACTIONS.objection, String(o.id), t(locale, 'commend.button.decide')),
    });
  return blocks;
}
