import type { KnownBlock, View } from '@slack/types';
import { PROJECT_BLOCKS } from '../domain/project-forms.js';
import {
  PROJECT_STAGES,
  PROJECT_TEXT,
  projectNumber,
  SCORE_MAX,
  SCORE_MIN,
  type Criterion,
  type Project,
  type ProjectDuty,
  type ProjectEvent,
  type ProjectRules,
  type ProjectStage,
  type RankedProject,
  type ScoreSheet,
  type Tier,
  type TierProposal,
} from '../domain/projects.js';
import type { GroupedMessage } from '../delivery/outbox.js';
import { pick, t, type Locale, type MessageKey } from '../i18n/index.js';
import { LIMITS, clip, escape, link, modal, mrkdwn, plain } from './limits.js';
import { button, channelInput, context, formModal, type ModalButtons, section, textInput } from './blocks.js';
import { minuteFormat } from './minute-format.js';

/** Innovation projects in Slack: the modals, the lists, the project's card, the announcement and the Home part. */

export const PROJECT_ACTIONS = {
  register: 'project_register',
  open: 'project_open',
  edit: 'project_edit',
  progress: 'project_progress',
  guidance: 'project_guidance',
  apply: 'project_apply',
  accept: 'project_accept',
  back: 'project_back',
  assign: 'project_assign',
  score: 'project_score',
  propose: 'project_propose',
  adjust: 'project_adjust',
  confirm: 'project_confirm',
} as const;

export const PROJECT_VIEWS = {
  register: 'project_register_submit',
  note: 'project_note_submit',
  apply: 'project_apply_submit',
  move: 'project_move_submit',
  assign: 'project_assign_submit',
  score: 'project_score_submit',
  adjust: 'project_adjust_submit',
  confirm: 'project_confirm_submit',
} as const;

export function stageLabel(locale: Locale, stage: ProjectStage): string {
  return t(locale, `project.stage.${stage}` as MessageKey);
}

export function tierLabel(locale: Locale, tiers: readonly Tier[], code: string | null): string {
  if (code === null) return t(locale, 'project.tier.none');
  const tier = tiers.find((x) => x.code === code);
  return tier ? pick(tier.title, locale) : code;
}

// The project's own text, as a card.

export interface ProjectCard {
  project: Project;
  branchName: string;
  history: ProjectEvent[];
  assessors: { name: string; scored: boolean }[] | null;
  /** The sheets, once every assessor has scored and the viewer may read them. */
  sheets: { name: string; scores: ScoreSheet; comment: string | null }[] | null;
  ranked: RankedProject | null;
  tier: { code: string | null; confirmed: boolean } | null;
  timezone: string;
}

function localTime(iso: string, timezone: string): string {
  return minuteFormat(timezone).format(new Date(iso));
}

const HISTORY_SHOWN = 15;

function historyLine(locale: Locale, e: ProjectEvent, timezone: string): string {
  const who = escape(e.actorName ?? '—');
  const when = localTime(e.at, timezone);
  const comment = e.comment ? `: ${escape(clip(e.comment, 300))}` : '';
  const links = e.evidence.length > 0 ? ` ${e.evidence.map(link).join(' ')}` : '';
  if (e.kind === 'stage') {
    const key =
      e.from === null
        ? 'project.history.registered'
        : e.to && e.from && PROJECT_STAGES.indexOf(e.to) < PROJECT_STAGES.indexOf(e.from)
          ? 'project.history.back'
          : 'project.history.moved';
    return `${when} ${t(locale, key, { who, to: e.to ? stageLabel(locale, e.to) : '' })}${comment}${links}`;
  }
  return `${when} ${t(locale, e.kind === 'guidance' ? 'project.history.guidance' : 'project.history.progress', { who })}${comment}${links}`;
}

export function projectSummary(locale: Locale, project: Project, branchName: string): string {
  return t(locale, 'project.line', {
    number: projectNumber(project.id),
    title: escape(project.title),
    branch: escape(branchName),
    stage: stageLabel(locale, project.stage),
  });
}

/** The project's text blocks: what was registered, what was applied with, who assesses, and the history. */
export function projectCardBlocks(locale: Locale, card: ProjectCard, rules: ProjectRules): KnownBlock[] {
  const { project } = card;
  const blocks: KnownBlock[] = [
    section(`*${escape(project.title)}*\n${projectSummary(locale, project, card.branchName)}`),
    section(`*${t(locale, 'project.field.aims')}*\n${escape(project.aims)}`),
    section(`*${t(locale, 'project.field.approach')}*\n${escape(project.approach)}`),
    section(`*${t(locale, 'project.field.expected')}*\n${escape(project.expected)}`),
  ];
  if (project.results !== null) {
    blocks.push(section(`*${t(locale, 'project.field.results')}*\n${escape(project.results)}`));
    if (project.evidence.length > 0)
      blocks.push(section(`*${t(locale, 'project.field.evidence')}*\n${project.evidence.map(link).join('\n')}`));
  }
  if (card.assessors && card.assessors.length > 0) {
    const names = card.assessors.map((a) => `${escape(a.name)}${a.scored ? ' ✓' : ''}`).join('、');
    blocks.push(context(t(locale, 'project.card.assessors', { names })));
  }
  if (card.sheets && card.ranked) {
    const lines = card.sheets.map((s) => {
      const parts = rules.criteria.map((c) => `${pick(c.title, locale)} ${s.scores[c.code] ?? '—'}`).join(' · ');
      return `• ${escape(s.name)}: ${parts}${s.comment ? ` — ${escape(clip(s.comment, 200))}` : ''}`;
    });
    blocks.push(
      section(
        [
          t(locale, 'project.card.scores', {
            average: card.ranked.average.toFixed(2),
            spread: card.ranked.spread.toFixed(2),
          }),
          ...lines,
        ].join('\n'),
      ),
    );
  }
  if (card.tier)
    blocks.push(
      context(
        t(locale, card.tier.confirmed ? 'project.card.tier_confirmed' : 'project.card.tier_proposed', {
          tier: tierLabel(locale, rules.tiers, card.tier.code),
        }),
      ),
    );
  const shown = card.history.slice(-HISTORY_SHOWN);
  const lines = shown.map((e) => historyLine(locale, e, card.timezone));
  if (card.history.length > shown.length)
    lines.unshift(t(locale, 'project.card.history_more', { count: card.history.length - shown.length }));
  blocks.push(section(`*${t(locale, 'project.card.history')}*\n${lines.join('\n')}`));
  return blocks;
}

/** Which buttons the card shows: the caller works out what the viewer may do with this project. */
export interface CardActions {
  edit: boolean;
  progress: boolean;
  apply: boolean;
  guidance: boolean;
  accept: boolean;
  back: boolean;
  assign: boolean;
  score: boolean;
}

export function cardActionBlocks(locale: Locale, projectId: number, a: CardActions): KnownBlock[] {
  const id = String(projectId);
  const buttons = [
    a.apply ? button(PROJECT_ACTIONS.apply, id, t(locale, 'project.button.apply'), 'primary') : null,
    a.progress ? button(PROJECT_ACTIONS.progress, id, t(locale, 'project.button.progress')) : null,
    a.edit ? button(PROJECT_ACTIONS.edit, id, t(locale, 'project.button.edit')) : null,
    a.accept ? button(PROJECT_ACTIONS.accept, id, t(locale, 'project.button.accept'), 'primary') : null,
    a.assign ? button(PROJECT_ACTIONS.assign, id, t(locale, 'project.button.assign'), 'primary') : null,
    a.score ? button(PROJECT_ACTIONS.score, id, t(locale, 'project.button.score'), 'primary') : null,
    a.guidance ? button(PROJECT_ACTIONS.guidance, id, t(locale, 'project.button.guidance')) : null,
    a.back ? button(PROJECT_ACTIONS.back, id, t(locale, 'project.button.back'), 'danger') : null,
  ].filter((b) => b !== null);
  return buttons.length === 0 ? [] : [{ type: 'actions', elements: buttons }];
}

export function projectCardModal(locale: Locale, card: ProjectCard, rules: ProjectRules, actions: CardActions): View {
  return modal({
    title: t(locale, 'project.card.title', { number: projectNumber(card.project.id) }),
    close: t(locale, 'project.modal.close'),
    blocks: [...projectCardBlocks(locale, card, rules), ...cardActionBlocks(locale, card.project.id, actions)],
  });
}

// The modals.

const PROJECT_MODAL: ModalButtons = { submit: 'project.modal.submit', close: 'project.modal.cancel' };

export function registerModal(v: {
  locale: Locale;
  branchName: string;
  due: string;
  rules: ProjectRules;
  revising: Project | null;
  privateMetadata: string;
}): View {
  const { locale, revising } = v;
  const criteria = v.rules.criteria.map((c) => pick(c.title, locale)).join('、');
  const blocks: KnownBlock[] = [
    section(t(locale, 'project.register.intro', { branch: escape(v.branchName), due: v.due, criteria })),
    textInput(locale, PROJECT_BLOCKS.title, 'project.field.title', {
      max: PROJECT_TEXT.title,
      initial: revising?.title,
    }),
    textInput(locale, PROJECT_BLOCKS.aims, 'project.field.aims', {
      max: PROJECT_TEXT.field,
      multiline: true,
      initial: revising?.aims,
    }),
    textInput(locale, PROJECT_BLOCKS.approach, 'project.field.approach', {
      max: PROJECT_TEXT.field,
      multiline: true,
      initial: revising?.approach,
    }),
    textInput(locale, PROJECT_BLOCKS.expected, 'project.field.expected', {
      max: PROJECT_TEXT.field,
      multiline: true,
      initial: revising?.expected,
    }),
  ];
  return formModal(
    PROJECT_MODAL,
    v,
    PROJECT_VIEWS.register,
    revising ? 'project.register.title_edit' : 'project.register.title',
    blocks,
  );
}

export function noteModal(v: {
  locale: Locale;
  kind: 'guidance' | 'progress';
  summary: string;
  privateMetadata: string;
}): View {
  const { locale } = v;
  const blocks: KnownBlock[] = [
    section(v.summary),
    textInput(
      locale,
      PROJECT_BLOCKS.comment,
      v.kind === 'guidance' ? 'project.field.guidance' : 'project.field.progress',
      {
        max: PROJECT_TEXT.field,
        multiline: true,
      },
    ),
    textInput(locale, PROJECT_BLOCKS.links, 'project.field.links', {
      max: 3000,
      multiline: true,
      optional: true,
      hint: 'project.field.links_hint',
    }),
  ];
  return formModal(
    PROJECT_MODAL,
    v,
    PROJECT_VIEWS.note,
    v.kind === 'guidance' ? 'project.note.title_guidance' : 'project.note.title_progress',
    blocks,
  );
}

export function applyModal(v: { locale: Locale; summary: string; due: string; privateMetadata: string }): View {
  const { locale } = v;
  const blocks: KnownBlock[] = [
    section(`${v.summary}\n${t(locale, 'project.apply.intro', { due: v.due })}`),
    textInput(locale, PROJECT_BLOCKS.results, 'project.field.results', { max: PROJECT_TEXT.field, multiline: true }),
    textInput(locale, PROJECT_BLOCKS.links, 'project.field.evidence', {
      max: 3000,
      multiline: true,
      hint: 'project.field.links_hint',
    }),
  ];
  return formModal(PROJECT_MODAL, v, PROJECT_VIEWS.apply, 'project.apply.title', blocks);
}

export function moveModal(v: {
  locale: Locale;
  summary: string;
  back: ProjectStage[] | null;
  privateMetadata: string;
}): View {
  const { locale } = v;
  const blocks: KnownBlock[] = [section(v.summary)];
  if (v.back)
    blocks.push({
      type: 'input',
      block_id: PROJECT_BLOCKS.stage,
      label: plain(t(locale, 'project.field.back_to'), 2000),
      element: {
        type: 'static_select',
        action_id: 'value',
        options: v.back.map((s) => ({ text: plain(stageLabel(locale, s), LIMITS.optionText), value: s })),
      },
    });
  blocks.push(
    textInput(locale, PROJECT_BLOCKS.comment, v.back ? 'project.field.back_comment' : 'project.field.comment', {
      max: PROJECT_TEXT.comment,
      multiline: true,
      optional: v.back === null,
    }),
  );
  return formModal(
    PROJECT_MODAL,
    v,
    PROJECT_VIEWS.move,
    v.back ? 'project.move.title_back' : 'project.move.title_accept',
    blocks,
  );
}

export function assignModal(v: {
  locale: Locale;
  summary: string;
  candidates: { id: number; name: string }[];
  need: number;
  privateMetadata: string;
}): View {
  const { locale } = v;
  const blocks: KnownBlock[] = [section(v.summary)];
  if (v.candidates.length < v.need)
    blocks.push(section(t(locale, 'project.assign.too_few', { count: v.candidates.length, need: v.need })));
  else
    blocks.push({
      type: 'input',
      block_id: PROJECT_BLOCKS.assessors,
      label: plain(t(locale, 'project.field.assessors', { count: v.need }), 2000),
      hint: plain(t(locale, 'project.assign.hint'), 2000),
      element: {
        type: 'multi_static_select',
        action_id: 'value',
        max_selected_items: v.need,
        options: v.candidates
          .slice(0, LIMITS.selectOptions)
          .map((c) => ({ text: plain(c.name, LIMITS.optionText), value: String(c.id) })),
      },
    });
  blocks.push(
    textInput(locale, PROJECT_BLOCKS.comment, 'project.field.comment', { max: PROJECT_TEXT.comment, optional: true }),
  );
  return formModal(
    PROJECT_MODAL,
    v,
    PROJECT_VIEWS.assign,
    'project.assign.title',
    blocks,
    v.candidates.length >= v.need ? 'project.modal.submit' : null,
  );
}

export function scoreModal(v: {
  locale: Locale;
  summary: string;
  criteria: readonly Criterion[];
  own: { scores: ScoreSheet; comment: string | null } | null;
  scored: number;
  assigned: number;
  privateMetadata: string;
}): View {
  const { locale } = v;
  const blocks: KnownBlock[] = [
    section(v.summary),
    context(t(locale, 'project.score.blind', { scored: v.scored, assigned: v.assigned })),
  ];
  for (const c of v.criteria) {
    const initial = v.own?.scores[c.code];
    blocks.push({
      type: 'input',
      block_id: `${PROJECT_BLOCKS.criterionPrefix}${c.code}`,
      label: plain(t(locale, 'project.score.criterion', { title: pick(c.title, locale), weight: c.weight }), 2000),
      ...(c.description ? { hint: plain(pick(c.description, locale), 2000) } : {}),
      element: {
        type: 'number_input',
        action_id: 'value',
        is_decimal_allowed: false,
        min_value: String(SCORE_MIN),
        max_value: String(SCORE_MAX),
        ...(initial !== undefined ? { initial_value: String(initial) } : {}),
      },
    });
  }
  blocks.push(
    textInput(locale, PROJECT_BLOCKS.comment, 'project.field.score_comment', {
      max: PROJECT_TEXT.comment,
      multiline: true,
      initial: v.own?.comment ?? null,
    }),
  );
  return formModal(PROJECT_MODAL, v, PROJECT_VIEWS.score, 'project.score.title', blocks);
}

export function adjustModal(v: { locale: Locale; tiers: readonly Tier[]; privateMetadata: string }): View {
  const { locale } = v;
  const options = [
    ...v.tiers.map((x) => ({ text: plain(pick(x.title, locale), LIMITS.optionText), value: x.code })),
    { text: plain(t(locale, 'project.tier.none'), LIMITS.optionText), value: 'none' },
  ];
  const blocks: KnownBlock[] = [
    section(t(locale, 'project.adjust.intro')),
    textInput(locale, PROJECT_BLOCKS.project, 'project.field.number', { max: 12 }),
    {
      type: 'input',
      block_id: PROJECT_BLOCKS.tier,
      label: plain(t(locale, 'project.field.tier'), 2000),
      element: { type: 'static_select', action_id: 'value', options },
    },
    textInput(locale, PROJECT_BLOCKS.reason, 'project.field.reason', { max: PROJECT_TEXT.comment, multiline: true }),
  ];
  return formModal(PROJECT_MODAL, v, PROJECT_VIEWS.adjust, 'project.adjust.title', blocks);
}

export function confirmModal(v: {
  locale: Locale;
  counts: { label: string; count: number }[];
  missing: number;
  privateMetadata: string;
}): View {
  const { locale } = v;
  const lines = v.counts.map((c) => t(locale, 'project.confirm.count', { tier: c.label, count: c.count }));
  const ready = v.missing === 0 && v.counts.some((c) => c.count > 0);
  const blocks: KnownBlock[] = [
    section([t(locale, 'project.confirm.intro'), ...lines].join('\n')),
    ...(v.missing > 0 ? [section(t(locale, 'project.confirm.missing', { count: v.missing }))] : []),
    ...(ready ? [channelInput(locale, PROJECT_BLOCKS.channel, 'project.field.channel')] : []),
  ];
  return formModal(
    PROJECT_MODAL,
    v,
    PROJECT_VIEWS.confirm,
    'project.confirm.title',
    blocks,
    ready ? 'project.confirm.submit' : null,
  );
}

// The lists.

/** A branch's projects and what is next for each; buttons to open them, and to register when it may. */
export interface BranchProjects {
  branch: { id: number; name: string };
  projects: Project[];
  canRegister: boolean;
  registrationDue: string;
}

export function nextStep(locale: Locale, project: Project, rules: ProjectRules): string {
  switch (project.stage) {
    case 'registration':
      return t(locale, 'project.next.registration');
    case 'implementation':
      return t(locale, 'project.next.implementation', { due: rules.application.by });
    case 'application':
      return t(locale, 'project.next.application');
    case 'assessment':
      return t(locale, 'project.next.assessment', { due: rules.assessment.by });
    case 'review':
      return t(locale, 'project.next.review', { due: rules.review.by });
    case 'award':
      return t(locale, 'project.next.award');
  }
}

const LINES_PER_SECTION = 25;

export function branchProjectsBlocks(
  locale: Locale,
  branches: readonly BranchProjects[],
  rules: ProjectRules,
  awards: ReadonlyMap<number, string | null>,
): KnownBlock[] {
  const blocks: KnownBlock[] = [];
  for (const b of branches) {
    blocks.push(
      section(t(locale, 'project.branch.header', { branch: escape(b.branch.name), count: b.projects.length })),
    );
    for (const p of b.projects.slice(0, 10)) {
      const award = p.stage === 'award' ? ` · ${tierLabel(locale, rules.tiers, awards.get(p.id) ?? null)}` : '';
      blocks.push({
        type: 'section',
        text: mrkdwn(
          clip(
            `${projectSummary(locale, p, b.branch.name)}${award}\n${nextStep(locale, p, rules)}`,
            LIMITS.sectionText,
          ),
        ),
        accessory: button(PROJECT_ACTIONS.open, String(p.id), t(locale, 'project.button.open')),
      });
    }
    if (b.canRegister)
      blocks.push({
        type: 'section',
        text: mrkdwn(t(locale, 'project.branch.may_register', { due: b.registrationDue, max: rules.per_branch })),
        accessory: button(
          PROJECT_ACTIONS.register,
          String(b.branch.id),
          t(locale, 'project.button.register'),
          'primary',
        ),
      });
    else if (b.projects.length === 0)
      blocks.push(context(t(locale, 'project.branch.registration_closed', { due: b.registrationDue })));
  }
  return blocks.slice(0, LIMITS.messageBlocks);
}

export function stageCountsLine(locale: Locale, counts: Record<ProjectStage, number>): string {
  return PROJECT_STAGES.map((s) => `${stageLabel(locale, s)} ${counts[s]}`).join(' · ');
}

/** Leaders' and admins' view of every project by stage: counts, then the projects of each stage as lines. */
export function allProjectsBlocks(
  locale: Locale,
  projects: readonly { project: Project; branchName: string }[],
  counts: Record<ProjectStage, number>,
): KnownBlock[] {
  const blocks: KnownBlock[] = [
    { type: 'header', text: plain(t(locale, 'project.all.header', { count: projects.length }), LIMITS.headerText) },
    section(stageCountsLine(locale, counts)),
  ];
  const room = LIMITS.messageBlocks - blocks.length - 1;
  let shown = 0;
  for (const stage of PROJECT_STAGES) {
    const of = projects.filter((p) => p.project.stage === stage);
    for (let i = 0; i < of.length && blocks.length < room; i += LINES_PER_SECTION) {
      const chunk = of.slice(i, i + LINES_PER_SECTION);
      const head = i === 0 ? `*${stageLabel(locale, stage)}*\n` : '';
      blocks.push(
        section(
          head +
            chunk
              .map((p) =>
                t(locale, 'project.all.item', {
                  number: projectNumber(p.project.id),
                  title: escape(clip(p.project.title, 30)),
                  branch: escape(clip(p.branchName, 20)),
                }),
              )
              .join('\n'),
        ),
      );
      shown += chunk.length;
    }
  }
  if (shown < projects.length) blocks.push(context(t(locale, 'project.all.more', { count: projects.length - shown })));
  if (projects.length === 0) blocks.push(section(t(locale, 'project.all.none')));
  return blocks;
}

export interface ReviewRow {
  ranked: RankedProject;
  project: Pick<Project, 'id' | 'title'>;
  branchName: string;
  auto: TierProposal;
  proposed: { tier: string | null; reason: string | null; confirmed: boolean } | null;
}

/** Projects a review message lists; the full list is in the export's projects sheet. */
export const REVIEW_LINES_MAX = 100;

/**
 * The committee's ranked list: average, spread, the automatic tier and what was proposed, at most
 * 100 lines in four sections, with the counts per tier and the committee's buttons.
 */
export function reviewListBlocks(v: {
  locale: Locale;
  rows: readonly ReviewRow[];
  rules: ProjectRules;
  planId: number;
  due: string;
}): KnownBlock[] {
  const { locale, rules } = v;
  const blocks: KnownBlock[] = [
    { type: 'header', text: plain(t(locale, 'project.review.header', { count: v.rows.length }), LIMITS.headerText) },
    context(
      t(locale, 'project.review.rules', {
        criteria: rules.criteria.map((c) => `${pick(c.title, locale)} ${c.weight}`).join('、'),
        tiers: rules.tiers
          .map((x) =>
            t(locale, 'project.review.tier_rule', {
              tier: pick(x.title, locale),
              quota: x.quota ?? '∞',
              min: x.min_score ?? 0,
            }),
          )
          .join('；'),
        due: v.due,
      }),
    ),
  ];
  if (v.rows.length === 0) {
    blocks.push(section(t(locale, 'project.review.none')));
    return blocks;
  }
  const lines = v.rows.slice(0, REVIEW_LINES_MAX).map((r) => {
    const proposed = r.proposed
      ? t(locale, r.proposed.reason ? 'project.review.adjusted' : 'project.review.proposed', {
          tier: tierLabel(locale, rules.tiers, r.proposed.tier),
        })
      : '';
    return t(locale, 'project.review.item', {
      rank: r.ranked.rank,
      number: projectNumber(r.project.id),
      title: escape(clip(r.project.title, 14)),
      branch: escape(clip(r.branchName, 12)),
      average: r.ranked.average.toFixed(2),
      spread: r.ranked.spread.toFixed(2),
      auto: tierLabel(locale, rules.tiers, r.auto.tier),
      tie: r.auto.tieAtQuota ? t(locale, 'project.review.tie') : r.ranked.tied ? t(locale, 'project.review.tied') : '',
      proposed,
    });
  });
  for (let i = 0; i < lines.length; i += LINES_PER_SECTION)
    blocks.push(section(lines.slice(i, i + LINES_PER_SECTION).join('\n')));
  if (v.rows.length > REVIEW_LINES_MAX)
    blocks.push(context(t(locale, 'project.review.more', { count: v.rows.length - REVIEW_LINES_MAX })));
  const tally = new Map<string, number>();
  for (const r of v.rows) {
    const label = tierLabel(locale, rules.tiers, r.proposed?.tier ?? null);
    if (r.proposed) tally.set(label, (tally.get(label) ?? 0) + 1);
  }
  const unproposed = v.rows.filter((r) => !r.proposed).length;
  blocks.push(
    section(
      t(locale, 'project.review.tally', {
        counts: [...tally].map(([label, n]) => `${label} ${n}`).join(' · ') || '—',
        unproposed,
      }),
    ),
  );
  const plan = String(v.planId);
  blocks.push({
    type: 'actions',
    elements: [
      button(PROJECT_ACTIONS.propose, plan, t(locale, 'project.button.propose')),
      button(PROJECT_ACTIONS.adjust, plan, t(locale, 'project.button.adjust')),
      button(PROJECT_ACTIONS.confirm, plan, t(locale, 'project.button.confirm'), 'primary'),
    ],
  });
  return blocks;
}

// The announcement of the awards, posted once to a channel (summary, and the lists in its thread).

export interface AwardLine {
  tier: string;
  title: string;
  branchName: string;
}

const AWARD_LINES_PER_SECTION = 20;
const AWARD_SECTIONS_PER_REPLY = 10;

export function awardPosts(
  locale: Locale,
  tiers: readonly Tier[],
  awarded: readonly AwardLine[],
): { main: { text: string; blocks: KnownBlock[] }; thread: { text: string; blocks: KnownBlock[] }[] } {
  const counts = tiers.map((x) => ({
    label: pick(x.title, locale),
    n: awarded.filter((a) => a.tier === x.code).length,
  }));
  const text = t(locale, 'project.award.text', { count: awarded.length });
  const main = {
    text,
    blocks: [
      { type: 'header' as const, text: plain(t(locale, 'project.award.header'), LIMITS.headerText) },
      section(
        [
          t(locale, 'project.award.intro', { count: awarded.length }),
          counts.map((c) => `${c.label} ${c.n}`).join(' · '),
        ].join('\n'),
      ),
    ],
  };
  const lines: string[] = [];
  for (const x of tiers) {
    const of = awarded.filter((a) => a.tier === x.code);
    if (of.length === 0) continue;
    lines.push(`*${pick(x.title, locale)}*`);
    for (const a of of)
      lines.push(
        t(locale, 'project.award.item', { title: escape(clip(a.title, 60)), branch: escape(clip(a.branchName, 40)) }),
      );
  }
  const thread: { text: string; blocks: KnownBlock[] }[] = [];
  const perReply = AWARD_LINES_PER_SECTION * AWARD_SECTIONS_PER_REPLY;
  for (let i = 0; i < lines.length; i += perReply) {
    const chunk = lines.slice(i, i + perReply);
    const blocks: KnownBlock[] = [];
    for (let j = 0; j < chunk.length; j += AWARD_LINES_PER_SECTION)
      blocks.push(section(chunk.slice(j, j + AWARD_LINES_PER_SECTION).join('\n')));
    thread.push({ text: t(locale, 'project.award.thread', { part: thread.length + 1 }), blocks });
  }
  return { main, thread };
}

// The App Home's part.

export interface ProjectsHome {
  branches: BranchProjects[];
  awards: ReadonlyMap<number, string | null>;
  rules: ProjectRules;
  /** For an assessor: the projects waiting for their score. */
  toScore: { projectId: number; title: string }[];
  /** For leaders and admins: every project's stage. */
  counts: Record<ProjectStage, number> | null;
  /** For admins: projects at 申报 waiting for assessors. */
  toAssign: { projectId: number; title: string }[] | null;
}

const HOME_ITEMS = 3;

/** At most a dozen blocks: the branch's projects, the assessor's queue, the counts by stage. */
export function projectsHomeBlocks(locale: Locale, home: ProjectsHome | null | undefined): KnownBlock[] {
  if (!home) return [];
  const blocks: KnownBlock[] = [];
  for (const b of home.branches.slice(0, 2)) {
    for (const p of b.projects.slice(0, HOME_ITEMS)) {
      const award =
        p.stage === 'award' ? ` · ${tierLabel(locale, home.rules.tiers, home.awards.get(p.id) ?? null)}` : '';
      blocks.push({
        type: 'section',
        text: mrkdwn(
          clip(
            `${projectSummary(locale, p, b.branch.name)}${award}\n${nextStep(locale, p, home.rules)}`,
            LIMITS.sectionText,
          ),
        ),
        accessory: button(PROJECT_ACTIONS.open, String(p.id), t(locale, 'project.button.open')),
      });
    }
    if (b.canRegister)
      blocks.push({
        type: 'section',
        text: mrkdwn(t(locale, 'project.home.register', { branch: escape(b.branch.name), due: b.registrationDue })),
        accessory: button(
          PROJECT_ACTIONS.register,
          String(b.branch.id),
          t(locale, 'project.button.register'),
          'primary',
        ),
      });
  }
  for (const s of home.toScore.slice(0, HOME_ITEMS))
    blocks.push({
      type: 'section',
      text: mrkdwn(t(locale, 'project.home.to_score', { number: projectNumber(s.projectId), title: escape(s.title) })),
      accessory: button(PROJECT_ACTIONS.score, String(s.projectId), t(locale, 'project.button.score'), 'primary'),
    });
  for (const s of (home.toAssign ?? []).slice(0, HOME_ITEMS))
    blocks.push({
      type: 'section',
      text: mrkdwn(t(locale, 'project.home.to_assign', { number: projectNumber(s.projectId), title: escape(s.title) })),
      accessory: button(PROJECT_ACTIONS.assign, String(s.projectId), t(locale, 'project.button.assign')),
    });
  // The counts only once there is a project: an empty campaign is no news.
  if (home.counts && Object.values(home.counts).some((n) => n > 0))
    blocks.push(context(t(locale, 'project.home.counts', { counts: stageCountsLine(locale, home.counts) })));
  if (blocks.length === 0) return [];
  return [{ type: 'header', text: plain(t(locale, 'project.home.header'), LIMITS.headerText) }, ...blocks];
}

// Reminders of the committee's dates (jobs/projects.ts).

function dutyText(locale: Locale, d: ProjectDuty, titles: ReadonlyMap<number, string>): string {
  const when =
    d.daysLeft > 0
      ? t(locale, 'project.duty.in_days', { days: d.daysLeft, due: d.due })
      : d.daysLeft === 0
        ? t(locale, 'project.duty.today', { due: d.due })
        : t(locale, 'project.duty.overdue', { days: -d.daysLeft, due: d.due });
  const params = {
    count: d.count,
    when,
    number: d.projectId === null ? '' : projectNumber(d.projectId),
    title: d.projectId === null ? '' : escape(titles.get(d.projectId) ?? ''),
  };
  return t(locale, `project.duty.${d.kind}` as MessageKey, params);
}

/** The item a duty row carries: the duty, and the project's title for a score reminder. */
export interface DutyItem {
  duty: ProjectDuty;
  title: string | null;
}

export function dutyMessages(locale: Locale, items: DutyItem[]): GroupedMessage[] {
  const titles = new Map(
    items.flatMap((i) => (i.duty.projectId !== null && i.title ? [[i.duty.projectId, i.title]] : [])),
  );
  const out: GroupedMessage[] = [];
  // One DM a run; a long list goes in as many messages as Slack's block limit asks.
  const per = LIMITS.messageBlocks - 2;
  for (let i = 0; i < items.length; i += per) {
    const chunk = items.slice(i, i + per);
    const blocks: KnownBlock[] = [section(t(locale, 'project.duty.header'))];
    for (const item of chunk) {
      const d = item.duty;
      blocks.push(
        d.kind === 'score' && d.projectId !== null
          ? {
              type: 'section',
              text: mrkdwn(clip(dutyText(locale, d, titles), LIMITS.sectionText)),
              accessory: button(
                PROJECT_ACTIONS.score,
                String(d.projectId),
                t(locale, 'project.button.score'),
                'primary',
              ),
            }
          : section(dutyText(locale, d, titles)),
      );
    }
    out.push({
      text: t(locale, 'project.duty.text', { count: chunk.length }),
      blocks,
      indexes: chunk.map((_, k) => i + k),
    });
  }
  return out;
}
