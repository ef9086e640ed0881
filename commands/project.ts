import type { BlockAction } from '@slack/bolt';
import type { KnownBlock } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import { listAdmins, listBranches } from '../db/queries/people.js';
import {
  addNote,
  applyProject,
  assessorCandidates,
  assessorSheets,
  assignAssessors,
  confirmAwards,
  findProject,
  listAssessors,
  listProjects,
  moveProject,
  projectStageCounts,
  proposeTierRows,
  registerProject,
  reviseRegistration,
  submitScores,
  assessmentsFor,
} from '../db/queries/projects.js';
import { branchSecretaryIds } from '../db/queries/reports.js';
import type { AppContext } from '../src/context.js';
import { drainOutbox } from '../src/delivery/outbox.js';
import type { ViewState } from '../src/domain/report-form.js';
import {
  parseAdjustForm,
  parseApplicationForm,
  parseAssignForm,
  parseChannelForm,
  parseMoveForm,
  parseNoteForm,
  parseProjectText,
  parseRegistrationForm,
  parseScoreForm,
  PROJECT_BLOCKS,
} from '../src/domain/project-forms.js';
import {
  decideMove,
  earlierStages,
  mayAssess,
  PROJECT_STAGES,
  projectNumber,
  stageOpen,
  tierRefusal,
  type Project,
  type ProjectStage,
} from '../src/domain/projects.js';
import type { LocalDate, Person } from '../src/domain/types.js';
import { publishHome } from '../src/flows/home.js';
import {
  branchProjects,
  confirmedTiers,
  ephemeralReply,
  linkedDue,
  linkedReport,
  loadCard,
  modalReply,
  postRows,
  projectsToday,
  reviewRows,
  showModal,
  viewerOf,
  type ProjectsToday,
  type Viewer,
} from '../src/flows/projects.js';
import { pick, t, type Locale, type MessageKey } from '../src/i18n/index.js';
import { callerOf, shownIn, type Caller } from '../src/slack/caller.js';
import { modalOpener } from '../src/slack/modal-opener.js';
import { notifyLeaders, notifyPerson } from '../src/slack/notify.js';
import { actedBy, pressOf, refuseForm, submissionOf, submitterOf } from '../src/slack/openings.js';
import type { Router } from '../src/slack/router.js';
import { escape } from '../src/ui/limits.js';
import {
  adjustModal,
  allProjectsBlocks,
  applyModal,
  assignModal,
  awardPosts,
  branchProjectsBlocks,
  confirmModal,
  moveModal,
  noteModal,
  PROJECT_ACTIONS,
  PROJECT_VIEWS,
  projectCardModal,
  projectSummary,
  registerModal,
  reviewListBlocks,
  scoreModal,
  stageCountsLine,
  stageLabel,
  tierLabel,
} from '../src/ui/projects.js';

/** What each modal carries back; checked again on submission because it comes from the client. */
const Id = z.number().int().positive();
const RegisterMeta = z.object({ p: Id, b: Id, j: Id.optional() }).strict();
const NoteMeta = z.object({ j: Id, k: z.enum(['guidance', 'progress']) }).strict();
const ProjectMeta = z.object({ j: Id }).strict();
const MoveMeta = z.object({ j: Id, f: z.enum(PROJECT_STAGES), back: z.boolean() }).strict();
const PlanMeta = z.object({ p: Id }).strict();
const IdValue = z
  .string()
  .regex(/^\d{1,9}$/)
  .transform(Number)
  .pipe(Id);

const isLeader = (p: Person) => p.roles.includes('leader');
const isAdmin = (p: Person) => p.roles.includes('admin');

/** The summary line of a project at the top of its modals. */
async function summaryOf(ctx: AppContext, locale: Locale, project: Project): Promise<string> {
  const branch = (await listBranches(ctx.db, [project.branchId]))[0];
  return `*${projectNumber(project.id)} ${escape(project.title)}*\n${projectSummary(locale, project, branch?.name ?? '—')}`;
}

/** Tells the branch's secretaries, each in their language. */
async function tellSecretaries(
  ctx: AppContext,
  client: WebClient,
  branchId: number,
  text: (locale: Locale) => string,
): Promise<void> {
  for (const id of await branchSecretaryIds(ctx.db, branchId))
    await notifyPerson(ctx, client, id, (l) => ({ text: text(l) }));
}

/** A refusal naming the stage a project is at (or '—' when it is gone). */
function stageText(caller: Caller, key: MessageKey, stage: ProjectStage | null | undefined): string {
  return caller.t(key, { stage: stage ? stageLabel(caller.locale, stage) : '—' });
}

const STAGE_CLOSED = {
  registration: 'project.refused.registration_closed',
  application: 'project.refused.application_closed',
} as const;

/**
 * The branch's due date for a stage that a secretary reports (an approved extension wins), or
 * null when they have been told the stage has closed.
 */
async function openStageDue(
  ctx: AppContext,
  secretary: Caller,
  pt: ProjectsToday,
  branchId: number,
  stage: keyof typeof STAGE_CLOSED,
): Promise<{ obligationId: number | null; due: LocalDate } | null> {
  const { obligation, by } = pt.rules[stage];
  const linked = await linkedDue(ctx, pt.found.plan, branchId, obligation, by);
  if (stageOpen(pt.found.today, by, linked.extendedTo)) return linked;
  await secretary.refuse(`${stage} after its date`, secretary.t(STAGE_CLOSED[stage], { due: linked.due }));
  return null;
}

interface Press {
  value: string;
  caller: Caller;
  body: BlockAction;
  client: WebClient;
}

/** A project button's first lines: acked at once, answered in a modal over where it was pressed. */
function onPress(router: Router, ctx: AppContext, actionId: string, run: (press: Press) => Promise<void>): void {
  router.action<BlockAction>(actionId, async ({ ack, body, action, client }) => {
    await ack();
    const { value, caller } = await pressOf(
      ctx,
      client,
      { body, action, actionId },
      modalReply(client, body, 'project.modal.close'),
    );
    await run({ value, caller, body, client });
  });
}

interface ButtonScope {
  caller: Caller<Person>;
  pt: ProjectsToday;
  project: Project;
  viewer: Viewer;
  body: BlockAction;
}

/**
 * A button naming a project: the opening every project button shares. The presser must be in the
 * roster and pass `may` for this project, and the project must be of the plan in force; any other
 * press is refused and audited.
 */
function projectButton(
  router: Router,
  ctx: AppContext,
  actionId: string,
  may: (viewer: Viewer) => boolean,
  reason: string,
  run: (scope: ButtonScope, client: WebClient) => Promise<void>,
): void {
  onPress(router, ctx, actionId, async ({ value, caller, body, client }) => {
    const id = IdValue.safeParse(value);
    const project = id.success ? await findProject(ctx.db, id.data) : null;
    const person = await caller.require({
      may: (p) => project !== null && may(viewerOf(p, project)),
      reason: project ? reason : 'no such project',
    });
    if (!person || !project) return;
    const pt = await projectsToday(person);
    if (!pt) return;
    if (project.planId !== pt.found.plan.id) return person.refuse('project of another plan', person.t('project.gone'));
    await run({ caller: person, pt, project, viewer: viewerOf(person.person, project), body }, client);
  });
}

/** A button naming the plan in force (the committee's): the presser passes `may`, the plan id must be today's. */
function planButton(
  router: Router,
  ctx: AppContext,
  actionId: string,
  may: (p: Person) => boolean,
  run: (caller: Caller<Person>, pt: ProjectsToday, body: BlockAction, client: WebClient) => Promise<void>,
): void {
  onPress(router, ctx, actionId, async ({ value, caller, body, client }) => {
    const person = await caller.require({ may, refusal: 'project.forbidden.committee' });
    if (!person) return;
    const id = IdValue.safeParse(value);
    const pt = await projectsToday(person);
    if (!pt) return;
    if (!id.success || id.data !== pt.found.plan.id)
      return person.refuse('not the plan in force', person.t('project.gone'));
    await run(person, pt, body, client);
  });
}

type ViewArgs = Parameters<Parameters<Router['view']>[1]>[0];

interface ProjectSubmission<M> {
  caller: Caller<Person>;
  meta: M;
  state: ViewState;
  project: Project;
}

/**
 * A submission naming a project in its metadata: the submitter must be in the roster and pass `may`
 * for this project; a modal whose metadata or values are not its own is refused and audited.
 */
function projectView<M extends { j: number }>(
  router: Router,
  ctx: AppContext,
  viewId: string,
  Meta: z.ZodType<M>,
  errorBlock: string,
  access: { may: (p: Person, project: Project, meta: M) => boolean; reason: (meta: M) => string; refusal?: MessageKey },
  run: (s: ProjectSubmission<M>, args: ViewArgs) => Promise<void>,
): void {
  router.view(viewId, async (args) => {
    const { caller, meta, state } = await submissionOf(ctx, args, Meta, errorBlock);
    const project = meta ? await findProject(ctx.db, meta.j) : null;
    const person = await caller.require({
      may: (p) => meta !== null && project !== null && access.may(p, project, meta),
      reason: project && meta ? access.reason(meta) : 'no such project',
      refusal: access.refusal,
    });
    if (!person || !project || !meta) return;
    if (!state) return person.refuse('malformed payload', person.t('common.forbidden'));
    await run({ caller: person, meta, state, project }, args);
  });
}

/** A submission of the committee's, naming the plan in force: the submitter passes `may`, the plan must still be in force. */
function planView(
  router: Router,
  ctx: AppContext,
  viewId: string,
  errorBlock: string,
  access: { may: (p: Person) => boolean; refusal: MessageKey },
  run: (caller: Caller<Person>, pt: ProjectsToday, state: ViewState, args: ViewArgs) => Promise<void>,
): void {
  router.view(viewId, async (args) => {
    const submitted = await submitterOf(ctx, args, PlanMeta, errorBlock, access);
    if (!submitted) return;
    const { caller: person, meta, state } = submitted;
    const pt = await projectsToday(person);
    if (!pt) return;
    if (pt.found.plan.id !== meta.p) return person.refuse('plan changed', person.t('project.gone'));
    await run(person, pt, state, args);
  });
}

async function openRegister(
  ctx: AppContext,
  caller: Caller<Person>,
  pt: ProjectsToday,
  branchId: number,
  show: (view: ReturnType<typeof registerModal>) => Promise<unknown>,
  revising: Project | null,
): Promise<void> {
  const [entry] = await branchProjects(
    ctx,
    pt,
    caller.branches.filter((b) => b.id === branchId),
  );
  if (!entry) return caller.refuse('not the secretary of this branch', caller.t('common.forbidden'));
  if (!revising && !entry.canRegister)
    return caller.say(
      entry.projects.length >= pt.rules.per_branch
        ? caller.t('project.refused.quota', { max: pt.rules.per_branch })
        : caller.t('project.refused.registration_closed', { due: entry.registrationDue }),
    );
  await show(
    registerModal({
      locale: caller.locale,
      branchName: entry.branch.name,
      due: entry.registrationDue,
      rules: pt.rules,
      revising,
      privateMetadata: JSON.stringify({ p: pt.found.plan.id, b: branchId, ...(revising ? { j: revising.id } : {}) }),
    }),
  );
}

/** `/project` with no text: the caller's branches' projects, an assessor's queue, the counts a leader sees. */
async function mineBlocks(ctx: AppContext, caller: Caller<Person>, pt: ProjectsToday) {
  const { person, locale } = caller;
  const blocks: KnownBlock[] = [];
  if (caller.branches.length > 0)
    blocks.push(
      ...branchProjectsBlocks(
        locale,
        await branchProjects(ctx, pt, caller.branches),
        pt.rules,
        await confirmedTiers(ctx, pt.found.plan.id),
      ),
    );
  if (isLeader(person) || isAdmin(person)) {
    const counts = await projectStageCounts(ctx.db, pt.found.plan.id);
    blocks.push({
      type: 'section' as const,
      text: { type: 'mrkdwn' as const, text: `${caller.t('project.mine.counts')}\n${stageCountsLine(locale, counts)}` },
    });
    if (isLeader(person)) {
      const queue = (await assessmentsFor(ctx.db, pt.found.plan.id, person.id)).filter((a) => !a.scored);
      for (const a of queue.slice(0, 10))
        blocks.push({
          type: 'section' as const,
          text: {
            type: 'mrkdwn' as const,
            text: caller.t('project.home.to_score', { number: projectNumber(a.projectId), title: escape(a.title) }),
          },
          accessory: {
            type: 'button' as const,
            action_id: PROJECT_ACTIONS.score,
            value: String(a.projectId),
            text: { type: 'plain_text' as const, text: caller.t('project.button.score') },
          },
        });
    }
    blocks.push({
      type: 'context' as const,
      elements: [{ type: 'mrkdwn' as const, text: caller.t('project.mine.leader_hint') }],
    });
  }
  return blocks;
}

export function register(router: Router, ctx: AppContext): void {
  router.command('/project', async ({ command, ack, client, respond }) => {
    await ack();
    const request = parseProjectText(command.text);
    const opener =
      request.kind === 'register' || request.kind === 'show' ? modalOpener(client, command.trigger_id) : null;
    const say = ephemeralReply(respond);
    const caller = await callerOf(ctx, client, command.user_id, {
      action: `command./project ${request.kind}`,
      answer: opener ? shownIn(opener, 'project.modal.close', say) : say,
      details: { text: (command.text ?? '').slice(0, 100) },
    });
    if (request.kind === 'help')
      return caller.say(caller.person ? caller.t('project.help') : caller.t('common.not_in_roster'));
    const committee = request.kind === 'all' || request.kind === 'review';
    const person = await caller.require(
      committee
        ? {
            may: (p) => isLeader(p) || isAdmin(p),
            refusal: 'project.forbidden.committee',
            action: `command./project ${request.kind}`,
          }
        : request.kind === 'register'
          ? { may: (p) => p.secretaryOf.length > 0, refusal: 'project.forbidden.secretary' }
          : {},
    );
    if (!person) return;
    const pt = await projectsToday(person);
    if (!pt) return;
    const { locale } = person;
    const plan = pt.found.plan;
    switch (request.kind) {
      case 'mine': {
        const blocks = await mineBlocks(ctx, person, pt);
        if (blocks.length === 0) return person.say(person.t('project.mine.none'));
        await respond({ response_type: 'ephemeral', text: person.t('project.mine.text'), blocks: blocks.slice(0, 50) });
        return;
      }
      case 'all': {
        const [projects, branches, counts] = await Promise.all([
          listProjects(ctx.db, plan.id),
          listBranches(ctx.db),
          projectStageCounts(ctx.db, plan.id),
        ]);
        const names = new Map(branches.map((b) => [b.id, b.name]));
        const rows = projects.map((p) => ({ project: p, branchName: names.get(p.branchId) ?? '—' }));
        await respond({
          response_type: 'ephemeral',
          text: person.t('project.all.text'),
          blocks: allProjectsBlocks(locale, rows, counts),
        });
        return;
      }
      case 'review': {
        const rows = await reviewRows(ctx, plan, pt.rules);
        await respond({
          response_type: 'ephemeral',
          text: person.t('project.review.text', { count: rows.length }),
          blocks: reviewListBlocks({ locale, rows, rules: pt.rules, planId: plan.id, due: pt.rules.review.by }),
        });
        return;
      }
      case 'register': {
        if (person.branches.length > 1) {
          const blocks = branchProjectsBlocks(
            locale,
            await branchProjects(ctx, pt, person.branches),
            pt.rules,
            new Map(),
          );
          await respond({ response_type: 'ephemeral', text: person.t('project.mine.text'), blocks });
          return;
        }
        return openRegister(ctx, person, pt, person.branches[0]!.id, (v) => opener!.show(v), null);
      }
      case 'show': {
        const project = await findProject(ctx.db, request.projectId);
        if (!project || project.planId !== plan.id) return person.say(person.t('project.gone'));
        const viewer = viewerOf(person.person, project);
        if (!viewer.secretary && !viewer.leader && !viewer.admin)
          return person.refuse('not the branch of this project', person.t('project.forbidden.not_yours'));
        const { card, actions } = await loadCard(ctx, pt, project, viewer);
        await opener!.show(projectCardModal(locale, card, pt.rules, actions));
        return;
      }
    }
  });

  onPress(router, ctx, PROJECT_ACTIONS.register, async ({ value, caller, body, client }) => {
    const branch = IdValue.safeParse(value);
    const secretary = await caller.require({
      may: (p) => branch.success && p.secretaryOf.includes(branch.data),
      reason: branch.success ? 'not the secretary of this branch' : 'malformed value',
      refusal: 'project.forbidden.secretary',
    });
    if (!secretary || !branch.success) return;
    const pt = await projectsToday(secretary);
    if (!pt) return;
    await openRegister(ctx, secretary, pt, branch.data, (v) => showModal(client, body, v), null);
  });

  projectButton(
    router,
    ctx,
    PROJECT_ACTIONS.open,
    (v) => v.secretary || v.leader || v.admin,
    'not the branch of this project',
    async (s, client) => {
      const { card, actions } = await loadCard(ctx, s.pt, s.project, s.viewer);
      await showModal(client, s.body, projectCardModal(s.caller.locale, card, s.pt.rules, actions));
    },
  );

  projectButton(
    router,
    ctx,
    PROJECT_ACTIONS.edit,
    (v) => v.secretary,
    'not the secretary of this branch',
    async (s, client) => {
      if (s.project.stage !== 'registration') return s.caller.say(s.caller.t('project.refused.not_editable'));
      await openRegister(ctx, s.caller, s.pt, s.project.branchId, (v) => showModal(client, s.body, v), s.project);
    },
  );

  for (const [actionId, kind] of [
    [PROJECT_ACTIONS.progress, 'progress'],
    [PROJECT_ACTIONS.guidance, 'guidance'],
  ] as const) {
    projectButton(
      router,
      ctx,
      actionId,
      (v) => (kind === 'progress' ? v.secretary : v.leader),
      kind === 'progress' ? 'not the secretary of this branch' : 'not a leader',
      async (s, client) => {
        await showModal(
          client,
          s.body,
          noteModal({
            locale: s.caller.locale,
            kind,
            summary: await summaryOf(ctx, s.caller.locale, s.project),
            privateMetadata: JSON.stringify({ j: s.project.id, k: kind }),
          }),
        );
      },
    );
  }

  projectButton(
    router,
    ctx,
    PROJECT_ACTIONS.apply,
    (v) => v.secretary,
    'not the secretary of this branch',
    async (s, client) => {
      if (s.project.stage !== 'implementation')
        return s.caller.say(stageText(s.caller, 'project.refused.stage', s.project.stage));
      const linked = await openStageDue(ctx, s.caller, s.pt, s.project.branchId, 'application');
      if (!linked) return;
      const { due } = linked;
      await showModal(
        client,
        s.body,
        applyModal({
          locale: s.caller.locale,
          summary: await summaryOf(ctx, s.caller.locale, s.project),
          due,
          privateMetadata: JSON.stringify({ j: s.project.id }),
        }),
      );
    },
  );

  for (const [actionId, back] of [
    [PROJECT_ACTIONS.accept, false],
    [PROJECT_ACTIONS.back, true],
  ] as const) {
    projectButton(
      router,
      ctx,
      actionId,
      (v) => (back ? v.leader || v.admin : v.leader),
      back ? 'neither a leader nor an admin' : 'not a leader',
      async (s, client) => {
        const stages = earlierStages(s.project.stage);
        if (back ? stages.length === 0 : s.project.stage !== 'registration')
          return s.caller.say(stageText(s.caller, 'project.refused.stage', s.project.stage));
        await showModal(
          client,
          s.body,
          moveModal({
            locale: s.caller.locale,
            summary: await summaryOf(ctx, s.caller.locale, s.project),
            back: back ? stages : null,
            privateMetadata: JSON.stringify({ j: s.project.id, f: s.project.stage, back }),
          }),
        );
      },
    );
  }

  projectButton(
    router,
    ctx,
    PROJECT_ACTIONS.assign,
    (v) => v.admin,
    'not an admin',
    async (s, client) => {
      if (s.project.stage !== 'application')
        return s.caller.say(stageText(s.caller, 'project.refused.stage', s.project.stage));
      const candidates = (await assessorCandidates(ctx.db)).filter((c) => mayAssess(c, s.project.branchId));
      await showModal(
        client,
        s.body,
        assignModal({
          locale: s.caller.locale,
          summary: await summaryOf(ctx, s.caller.locale, s.project),
          candidates: candidates.map((c) => ({ id: c.personId, name: c.name })),
          need: s.pt.rules.assessors,
          privateMetadata: JSON.stringify({ j: s.project.id }),
        }),
      );
    },
  );

  projectButton(
    router,
    ctx,
    PROJECT_ACTIONS.score,
    (v) => v.leader,
    'not a leader',
    async (s, client) => {
      const assessors = await listAssessors(ctx.db, s.project.id);
      if (!assessors.some((a) => a.personId === s.caller.person.id))
        return s.caller.refuse('not an assessor of this project', s.caller.t('project.refused.not_assessor'));
      if (s.project.stage !== 'assessment')
        return s.caller.say(stageText(s.caller, 'project.refused.stage', s.project.stage));
      const sheets = await assessorSheets(ctx.db, s.project.id, s.caller.person.id);
      if (sheets.status === 'complete') return s.caller.say(s.caller.t('project.refused.scores_locked'));
      await showModal(
        client,
        s.body,
        scoreModal({
          locale: s.caller.locale,
          summary: await summaryOf(ctx, s.caller.locale, s.project),
          criteria: s.pt.rules.criteria,
          own: sheets.own,
          scored: sheets.scored,
          assigned: sheets.assigned,
          privateMetadata: JSON.stringify({ j: s.project.id }),
        }),
      );
    },
  );

  planButton(router, ctx, PROJECT_ACTIONS.propose, isLeader, async (leader, pt) => {
    const rows = await reviewRows(ctx, pt.found.plan, pt.rules);
    if (rows.length === 0) return leader.say(leader.t('project.review.none'));
    const { written } = await proposeTierRows(
      ctx.db,
      {
        entries: rows.map((r) => ({ projectId: r.project.id, tier: r.auto.tier, reason: null })),
        personId: leader.person.id,
        replaceAdjusted: false,
      },
      actedBy(ctx, leader),
    );
    const ties = rows.filter((r) => r.auto.tieAtQuota).length;
    await leader.say(leader.t('project.proposed', { count: written, ties }));
  });

  planButton(router, ctx, PROJECT_ACTIONS.adjust, isLeader, async (leader, pt, body, client) => {
    await showModal(
      client,
      body,
      adjustModal({
        locale: leader.locale,
        tiers: pt.rules.tiers,
        privateMetadata: JSON.stringify({ p: pt.found.plan.id }),
      }),
    );
  });

  planButton(router, ctx, PROJECT_ACTIONS.confirm, isAdmin, async (admin, pt, body, client) => {
    const rows = await reviewRows(ctx, pt.found.plan, pt.rules);
    const counts = [
      ...pt.rules.tiers.map((x) => ({
        label: pick(x.title, admin.locale),
        count: rows.filter((r) => r.proposed && r.proposed.tier === x.code).length,
      })),
      { label: admin.t('project.tier.none'), count: rows.filter((r) => r.proposed && r.proposed.tier === null).length },
    ];
    await showModal(
      client,
      body,
      confirmModal({
        locale: admin.locale,
        counts,
        missing: rows.filter((r) => !r.proposed).length,
        privateMetadata: JSON.stringify({ p: pt.found.plan.id }),
      }),
    );
  });

  // The modals' submissions.

  router.view(PROJECT_VIEWS.register, async (args) => {
    const { ack, view, client } = args;
    const submitted = await submitterOf(ctx, args, RegisterMeta, PROJECT_BLOCKS.title, (meta) => ({
      may: (p) => meta !== null && p.secretaryOf.includes(meta.b),
      reason: meta ? 'not the secretary of this branch' : 'malformed payload',
      refusal: 'project.forbidden.secretary',
    }));
    if (!submitted) return;
    const { caller: secretary, meta, state } = submitted;
    const pt = await projectsToday(secretary);
    if (!pt) return;
    const { plan, today } = pt.found;
    if (plan.id !== meta.p) return secretary.refuse('plan changed', secretary.t('project.gone'));
    const form = parseRegistrationForm(state);
    if (!form.ok) return refuseForm(secretary, ack, form.errors, 'invalid registration');
    const now = ctx.clock.now();
    const metaArgs = { actor: secretary.slackUserId, now };
    if (meta.j !== undefined) {
      const project = await findProject(ctx.db, meta.j);
      if (!project || project.branchId !== meta.b)
        return secretary.refuse('revising a project of another branch', secretary.t('common.forbidden'));
      const result = await reviseRegistration(
        ctx.db,
        { ...form.value, projectId: project.id, personId: secretary.person.id },
        metaArgs,
      );
      if (result.outcome !== 'done') return secretary.say(secretary.t('project.refused.not_editable'));
      await ack();
      await secretary
        .answering(ephemeralDm(client, secretary.slackUserId))
        .say(secretary.t('project.revised', { number: projectNumber(project.id), title: escape(form.value.title) }));
      return;
    }
    const linked = await openStageDue(ctx, secretary, pt, meta.b, 'registration');
    if (!linked) return;
    const result = await registerProject(
      ctx.db,
      {
        ...form.value,
        planId: plan.id,
        branchId: meta.b,
        personId: secretary.person.id,
        perBranch: pt.rules.per_branch,
        submissionKey: view.id,
        report: linkedReport(linked, plan, now, {
          heldOn: today,
          summary: `${t(ctx.config.defaultLocale, 'project.report.registered', { title: form.value.title })}\n${form.value.aims}`,
          links: [],
        }),
      },
      metaArgs,
    );
    if (result.outcome === 'quota')
      return secretary.refuse('over the quota', secretary.t('project.refused.quota', { max: pt.rules.per_branch }));
    await ack();
    if (result.outcome === 'duplicate') return;
    const { project } = result;
    const branch = secretary.branches.find((b) => b.id === project.branchId);
    await notifyPerson(ctx, client, secretary.person, (l) => ({
      text: t(l, 'project.registered', { number: projectNumber(project.id), title: escape(project.title) }),
    }));
    await notifyLeaders(ctx, client, (l) => ({
      text: t(l, 'project.registered.leaders', {
        number: projectNumber(project.id),
        title: escape(project.title),
        branch: escape(branch?.name ?? '—'),
      }),
    }));
    await publishHome(ctx, client, secretary.slackUserId);
  });

  projectView(
    router,
    ctx,
    PROJECT_VIEWS.note,
    NoteMeta,
    PROJECT_BLOCKS.comment,
    {
      may: (p, project, meta) => (meta.k === 'progress' ? p.secretaryOf.includes(project.branchId) : isLeader(p)),
      reason: (meta) => (meta.k === 'progress' ? 'not the secretary of this branch' : 'not a leader'),
    },
    async ({ caller: person, meta, state, project }, { ack, view, client }) => {
      const form = parseNoteForm(state);
      if (!form.ok) return refuseForm(person, ack, form.errors, 'invalid note');
      const kind = meta.k;
      const result = await addNote(
        ctx.db,
        {
          projectId: project.id,
          kind,
          comment: form.value.comment,
          links: form.value.links,
          personId: person.person.id,
          submissionKey: view.id,
          allowed: (stage) =>
            kind === 'progress' ? stage === 'registration' || stage === 'implementation' : stage !== 'award',
        },
        actedBy(ctx, person),
      );
      if (result.outcome === 'stale') return person.say(stageText(person, 'project.refused.stage', result.stage));
      await ack();
      if (result.outcome === 'duplicate') return;
      const number = projectNumber(project.id);
      if (kind === 'guidance')
        await tellSecretaries(ctx, client, project.branchId, (l) =>
          t(l, 'project.guidance.dm', {
            leader: escape(person.person.name),
            number,
            title: escape(project.title),
            comment: escape(form.value.comment),
          }),
        );
      else
        await notifyLeaders(ctx, client, (l) => ({
          text: t(l, 'project.progress.leaders', {
            number,
            title: escape(project.title),
            who: escape(person.person.name),
          }),
        }));
    },
  );

  projectView(
    router,
    ctx,
    PROJECT_VIEWS.apply,
    ProjectMeta,
    PROJECT_BLOCKS.results,
    {
      may: (p, project) => p.secretaryOf.includes(project.branchId),
      reason: () => 'not the secretary of this branch',
      refusal: 'project.forbidden.secretary',
    },
    async ({ caller: secretary, state, project }, { ack, view, client }) => {
      const pt = await projectsToday(secretary);
      if (!pt) return;
      const { plan, today } = pt.found;
      const form = parseApplicationForm(state);
      if (!form.ok) return refuseForm(secretary, ack, form.errors, 'invalid application');
      const linked = await openStageDue(ctx, secretary, pt, project.branchId, 'application');
      if (!linked) return;
      const now = ctx.clock.now();
      const result = await applyProject(
        ctx.db,
        {
          projectId: project.id,
          results: form.value.results,
          links: form.value.links,
          personId: secretary.person.id,
          submissionKey: view.id,
          report: linkedReport(linked, plan, now, {
            branchId: project.branchId,
            heldOn: today,
            summary: `${t(ctx.config.defaultLocale, 'project.report.applied', { title: project.title })}\n${form.value.results}`,
            links: form.value.links,
          }),
        },
        { actor: secretary.slackUserId, now },
      );
      if (result.outcome === 'stale') return secretary.say(stageText(secretary, 'project.refused.stage', result.stage));
      await ack();
      if (result.outcome === 'duplicate') return;
      const number = projectNumber(project.id);
      await notifyPerson(ctx, client, secretary.person, (l) => ({
        text: t(l, 'project.applied', { number, title: escape(project.title) }),
      }));
      for (const admin of await listAdmins(ctx.db))
        await notifyPerson(ctx, client, admin, (l) => ({
          text: t(l, 'project.applied.admins', { number, title: escape(project.title) }),
        }));
      await publishHome(ctx, client, secretary.slackUserId);
    },
  );

  projectView(
    router,
    ctx,
    PROJECT_VIEWS.move,
    MoveMeta,
    PROJECT_BLOCKS.comment,
    // Who may move is the stage machine's (decideMove); the roster check comes first.
    {
      may: (p) => isLeader(p) || isAdmin(p),
      reason: () => 'neither a leader nor an admin',
      refusal: 'project.forbidden.move',
    },
    async ({ caller: person, meta, state, project }, { ack, view, client }) => {
      const back = meta.back;
      const form = parseMoveForm(state, { back, allowed: earlierStages(meta.f) });
      if (!form.ok)
        return refuseForm(person, ack, form.errors, back ? 'move back without a stage or comment' : 'invalid move');
      const to: ProjectStage = back ? form.value.to! : 'implementation';
      const viewer = viewerOf(person.person, project);
      const decision = decideMove(meta.f, to, viewer, form.value.comment);
      if (!decision.ok)
        return person.refuse(
          `move ${meta.f} → ${to}: ${decision.reason}`,
          person.t(`project.refused.move_${decision.reason}`),
        );
      const result = await moveProject(
        ctx.db,
        {
          projectId: project.id,
          from: meta.f,
          to,
          comment: form.value.comment,
          personId: person.person.id,
          submissionKey: view.id,
        },
        actedBy(ctx, person),
      );
      if (result.outcome === 'stale')
        return person.say(stageText(person, 'project.refused.moved_meanwhile', result.stage));
      await ack();
      if (result.outcome === 'duplicate') return;
      const number = projectNumber(project.id);
      await tellSecretaries(ctx, client, project.branchId, (l) =>
        t(l, back ? 'project.moved_back.dm' : 'project.accepted.dm', {
          number,
          title: escape(project.title),
          who: escape(person.person.name),
          stage: stageLabel(l, to),
          comment: escape(form.value.comment ?? ''),
        }),
      );
      const secretaries = await branchSecretaryIds(ctx.db, project.branchId);
      for (const id of secretaries) {
        const slack = await ctx.db.selectFrom('people').select('slack_user_id').where('id', '=', id).executeTakeFirst();
        if (slack) await publishHome(ctx, client, slack.slack_user_id);
      }
    },
  );

  projectView(
    router,
    ctx,
    PROJECT_VIEWS.assign,
    ProjectMeta,
    PROJECT_BLOCKS.assessors,
    { may: isAdmin, reason: () => 'not an admin', refusal: 'project.forbidden.admin' },
    async ({ caller: admin, state, project }, { ack, view, client }) => {
      const pt = await projectsToday(admin);
      if (!pt) return;
      const form = parseAssignForm(state, pt.rules.assessors);
      if (!form.ok) return refuseForm(admin, ack, form.errors, 'invalid assessors');
      const candidates = new Map((await assessorCandidates(ctx.db)).map((c) => [c.personId, c]));
      const wrong = form.value.assessorIds.find((id) => {
        const c = candidates.get(id);
        return !c || !mayAssess(c, project.branchId);
      });
      if (wrong !== undefined)
        return refuseForm(
          admin,
          ack,
          { [PROJECT_BLOCKS.assessors]: { key: 'project.error.assessor_own_branch' } },
          `assessor ${wrong} is not a leader outside the project's branch`,
        );
      const result = await assignAssessors(
        ctx.db,
        {
          projectId: project.id,
          assessorIds: form.value.assessorIds,
          personId: admin.person.id,
          comment: form.value.comment,
          submissionKey: view.id,
        },
        actedBy(ctx, admin),
      );
      if (result.outcome === 'stale')
        return admin.say(stageText(admin, 'project.refused.moved_meanwhile', result.stage));
      await ack();
      if (result.outcome === 'duplicate') return;
      const number = projectNumber(project.id);
      for (const id of form.value.assessorIds) {
        const c = candidates.get(id)!;
        await notifyPerson(ctx, client, id, (l) => ({
          text: t(l, 'project.assigned.dm', { number, title: escape(project.title), due: pt.rules.assessment.by }),
          blocks: [
            {
              type: 'section',
              text: {
                type: 'mrkdwn',
                text: t(l, 'project.assigned.dm', {
                  number,
                  title: escape(project.title),
                  due: pt.rules.assessment.by,
                }),
              },
              accessory: {
                type: 'button',
                action_id: PROJECT_ACTIONS.score,
                value: String(project.id),
                text: { type: 'plain_text', text: t(l, 'project.button.score') },
              },
            },
          ],
        }));
        await publishHome(ctx, client, c.slackUserId);
      }
    },
  );

  projectView(
    router,
    ctx,
    PROJECT_VIEWS.score,
    ProjectMeta,
    PROJECT_BLOCKS.comment,
    { may: isLeader, reason: () => 'not a leader', refusal: 'project.refused.not_assessor' },
    async ({ caller: leader, state, project }, { ack, client }) => {
      const pt = await projectsToday(leader);
      if (!pt) return;
      const me = (await assessorCandidates(ctx.db)).find((c) => c.personId === leader.person.id);
      // The roster may have moved the assessor into the project's branch since the assignment.
      if (!me || !mayAssess(me, project.branchId))
        return leader.refuse('assessor of the project branch', leader.t('project.refused.own_branch'));
      const form = parseScoreForm(state, pt.rules.criteria);
      if (!form.ok) return refuseForm(leader, ack, form.errors, 'score outside 0-10 or no comment');
      const result = await submitScores(
        ctx.db,
        { projectId: project.id, assessorId: leader.person.id, sheet: form.value.sheet, comment: form.value.comment },
        actedBy(ctx, leader),
      );
      if (result.outcome === 'not_assessor')
        return leader.refuse('not an assessor of this project', leader.t('project.refused.not_assessor'));
      if (result.outcome === 'locked') return leader.say(leader.t('project.refused.scores_locked'));
      if (result.outcome === 'stale') return leader.say(stageText(leader, 'project.refused.stage', result.stage));
      await ack();
      const number = projectNumber(project.id);
      await notifyPerson(ctx, client, leader.person, (l) => ({
        text:
          result.outcome === 'completed'
            ? t(l, 'project.scored.complete', { number, title: escape(project.title) })
            : t(l, 'project.scored', {
                number,
                title: escape(project.title),
                scored: result.scored,
                assigned: result.assigned,
              }),
      }));
      await publishHome(ctx, client, leader.slackUserId);
    },
  );

  planView(
    router,
    ctx,
    PROJECT_VIEWS.adjust,
    PROJECT_BLOCKS.project,
    { may: isLeader, refusal: 'project.forbidden.committee' },
    async (leader, pt, state, { ack, client }) => {
      const form = parseAdjustForm(
        state,
        pt.rules.tiers.map((x) => x.code),
      );
      if (!form.ok) return refuseForm(leader, ack, form.errors, 'invalid adjustment');
      const rows = await reviewRows(ctx, pt.found.plan, pt.rules);
      const row = rows.find((r) => r.project.id === form.value.projectId);
      if (!row)
        return refuseForm(
          leader,
          ack,
          { [PROJECT_BLOCKS.project]: { key: 'project.error.not_in_review' } },
          'adjusting a project not in review',
        );
      if (form.value.tier !== null) {
        const tier = pt.rules.tiers.find((x) => x.code === form.value.tier)!;
        const holders = rows.filter((r) => r.project.id !== row.project.id && r.proposed?.tier === tier.code).length;
        const refusal = tierRefusal(tier, row.ranked.average, holders);
        if (refusal)
          return refuseForm(
            leader,
            ack,
            {
              [PROJECT_BLOCKS.tier]:
                refusal.key === 'quota'
                  ? {
                      key: 'project.error.tier_quota',
                      params: { tier: pick(tier.title, leader.locale), quota: refusal.quota },
                    }
                  : {
                      key: 'project.error.tier_min',
                      params: { tier: pick(tier.title, leader.locale), min: refusal.min },
                    },
            },
            `tier ${tier.code}: ${refusal.key}`,
          );
      }
      await proposeTierRows(
        ctx.db,
        {
          entries: [{ projectId: row.project.id, tier: form.value.tier, reason: form.value.reason }],
          personId: leader.person.id,
          replaceAdjusted: true,
        },
        actedBy(ctx, leader),
      );
      await ack();
      await notifyPerson(ctx, client, leader.person, (l) => ({
        text: t(l, 'project.adjusted', {
          number: projectNumber(row.project.id),
          tier: tierLabel(l, pt.rules.tiers, form.value.tier),
        }),
      }));
    },
  );

  planView(
    router,
    ctx,
    PROJECT_VIEWS.confirm,
    PROJECT_BLOCKS.channel,
    { may: isAdmin, refusal: 'project.forbidden.admin' },
    async (admin, pt, state, { ack, view, client }) => {
      const form = parseChannelForm(state);
      if (!form.ok) return refuseForm(admin, ack, form.errors, 'no channel');
      const [projects, branches] = await Promise.all([listProjects(ctx.db, pt.found.plan.id), listBranches(ctx.db)]);
      const titles = new Map(projects.map((p) => [p.id, p]));
      const names = new Map(branches.map((b) => [b.id, b.name]));
      // Posted to everyone: in the workspace's language, whatever the admin reads.
      const locale = ctx.config.defaultLocale;
      const result = await confirmAwards(
        ctx.db,
        {
          planId: pt.found.plan.id,
          channelId: form.value.channelId,
          personId: admin.person.id,
          submissionKey: view.id,
          render: (announcementId, awarded) => {
            const lines = awarded
              .filter((a) => a.tier !== null)
              .map((a) => ({
                tier: a.tier!,
                title: titles.get(a.projectId)?.title ?? '',
                branchName: names.get(titles.get(a.projectId)?.branchId ?? 0) ?? '',
              }));
            return postRows(
              `project-awards:${pt.found.plan.id}:${announcementId}`,
              form.value.channelId,
              awardPosts(locale, pt.rules.tiers, lines),
            );
          },
        },
        actedBy(ctx, admin),
      );
      if (result.outcome === 'nothing') return admin.say(admin.t('project.review.none'));
      if (result.outcome === 'unproposed')
        return admin.say(admin.t('project.confirm.missing', { count: result.missing }));
      await ack();
      if (result.outcome === 'duplicate') return;
      if (ctx.outbox) await drainOutbox(ctx);
      await notifyPerson(ctx, client, admin.person, (l) => ({
        text: t(l, 'project.confirmed', { count: result.awarded }),
      }));
      for (const p of projects) {
        if (p.stage !== 'review') continue;
        await tellSecretaries(ctx, client, p.branchId, (l) =>
          t(l, 'project.awarded.dm', { number: projectNumber(p.id), title: escape(p.title) }),
        );
      }
    },
  );
}

/** A DM to the caller (a submission that has been acked has nowhere else to answer). */
function ephemeralDm(client: WebClient, slackUserId: string) {
  return (text: string) => client.chat.postMessage({ channel: slackUserId, text });
}
