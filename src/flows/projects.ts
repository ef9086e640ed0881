import type { BlockAction, RespondFn } from '@slack/bolt';
import type { View } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import { approvedExtensions } from '../../db/queries/extensions.js';
import { listBranches } from '../../db/queries/people.js';
import { planObligations, type Plan, type PlanToday } from '../../db/queries/plans.js';
import {
  assessmentsFor,
  assessorSheets,
  listAssessors,
  listProjects,
  projectHistory,
  projectStageCounts,
  reviewSheets,
} from '../../db/queries/projects.js';
import type { AppContext } from '../context.js';
import { threadedPostRows, type ThreadedPosts } from '../delivery/outbox.js';
import {
  earlierStages,
  proposeTiers,
  rankProjects,
  stageOpen,
  type Project,
  type ProjectRules,
} from '../domain/projects.js';
import { isOnTime } from '../domain/time.js';
import type { Branch, LocalDate, Person } from '../domain/types.js';
import { t, type Locale, type MessageKey } from '../i18n/index.js';
import type { Answer, Caller } from '../slack/caller.js';
import { messageModal } from '../ui/limits.js';
import { sectionToday, type SectionToday } from './plan-section.js';
import type { BranchProjects, CardActions, ProjectCard, ProjectsHome, ReviewRow } from '../ui/projects.js';

/** What the project listeners and the App Home share: the rules in force, a branch's dates, the card, the review list. */

export type ProjectsToday = SectionToday<ProjectRules>;

/** The plan in force with its projects section; the caller is told when there is none. */
export function projectsToday(caller: Caller): Promise<ProjectsToday | null> {
  return sectionToday(caller, 'projects', 'project.no_section');
}

/** The plan's obligation that a stage reports, by code, and the branch's due date for it (an approved extension wins). */
export async function linkedDue(
  ctx: AppContext,
  plan: Plan,
  branchId: number,
  code: string | undefined,
  by: LocalDate,
): Promise<{ obligationId: number | null; due: LocalDate; extendedTo: LocalDate | null }> {
  if (!code) return { obligationId: null, due: by, extendedTo: null };
  const obligation = (await planObligations(ctx.db, plan)).find((o) => o.code === code);
  if (!obligation) return { obligationId: null, due: by, extendedTo: null };
  const extendedTo = (await approvedExtensions(ctx.db, plan.id, [branchId])).get(branchId)?.get(obligation.id) ?? null;
  return { obligationId: obligation.id, due: extendedTo && extendedTo > by ? extendedTo : by, extendedTo };
}

/**
 * The report a submission files for the obligation its stage is linked to (null when there is
 * none), on time when it comes by the branch's due date.
 */
export function linkedReport<F extends object>(
  linked: { obligationId: number | null; due: LocalDate },
  plan: Plan,
  now: Date,
  fields: F,
): (F & { obligationId: number; onTime: boolean }) | null {
  if (linked.obligationId === null) return null;
  return { obligationId: linked.obligationId, ...fields, onTime: isOnTime(now, linked.due, plan.timezone) };
}

/** A secretary's branches with their projects, and whether each may still register one. */
export async function branchProjects(
  ctx: AppContext,
  { found, rules }: ProjectsToday,
  branches: readonly Branch[],
): Promise<BranchProjects[]> {
  const projects = await listProjects(ctx.db, found.plan.id, { branchIds: branches.map((b) => b.id) });
  const out: BranchProjects[] = [];
  for (const b of branches) {
    const own = projects.filter((p) => p.branchId === b.id);
    const { due, extendedTo } = await linkedDue(
      ctx,
      found.plan,
      b.id,
      rules.registration.obligation,
      rules.registration.by,
    );
    out.push({
      branch: { id: b.id, name: b.name },
      projects: own,
      canRegister: own.length < rules.per_branch && stageOpen(found.today, rules.registration.by, extendedTo),
      registrationDue: due,
    });
  }
  return out;
}

/** The awards confirmed so far: project id → tier code (null: confirmed with no award). */
export async function confirmedTiers(ctx: AppContext, planId: number): Promise<Map<number, string | null>> {
  const rows = await ctx.db
    .selectFrom('project_tiers')
    .innerJoin('projects', 'projects.id', 'project_tiers.project_id')
    .select(['project_tiers.project_id', 'project_tiers.tier'])
    .where('projects.plan_id', '=', planId)
    .where('project_tiers.announcement_id', 'is not', null)
    .execute();
  return new Map(rows.map((r) => [r.project_id, r.tier]));
}

/** Who the viewer is to this project. */
export interface Viewer {
  person: Person;
  secretary: boolean;
  leader: boolean;
  admin: boolean;
}

export function viewerOf(person: Person, project: Pick<Project, 'branchId'>): Viewer {
  return {
    person,
    secretary: person.secretaryOf.includes(project.branchId),
    leader: person.roles.includes('leader'),
    admin: person.roles.includes('admin'),
  };
}

/** Everything the card shows, read for this viewer: the sheets only through the guarded read. */
export async function loadCard(
  ctx: AppContext,
  { found, rules }: ProjectsToday,
  project: Project,
  viewer: Viewer,
): Promise<{ card: ProjectCard; actions: CardActions }> {
  const [history, assessors, branches, sheets, tiers] = await Promise.all([
    projectHistory(ctx.db, project.id),
    listAssessors(ctx.db, project.id),
    listBranches(ctx.db, [project.branchId]),
    assessorSheets(ctx.db, project.id, viewer.person.id),
    ctx.db.selectFrom('project_tiers').selectAll().where('project_id', '=', project.id).executeTakeFirst(),
  ]);
  const isAssessor = assessors.some((a) => a.personId === viewer.person.id);
  const complete = sheets.status === 'complete' ? sheets.sheets : null;
  // Leaders and admins read the sheets once all are in; an assessor reads them then too.
  const readable = complete && (viewer.leader || viewer.admin || isAssessor) ? complete : null;
  const ranked = readable
    ? (rankProjects(rules.criteria, [{ projectId: project.id, sheets: readable.map((s) => s.scores) }])[0] ?? null)
    : null;
  const { extendedTo } = await linkedDue(
    ctx,
    found.plan,
    project.branchId,
    rules.application.obligation,
    rules.application.by,
  );
  const stage = project.stage;
  const card: ProjectCard = {
    project,
    branchName: branches[0]?.name ?? '—',
    history,
    assessors: viewer.leader || viewer.admin ? assessors : null,
    sheets: readable,
    ranked,
    tier:
      tiers && (viewer.leader || viewer.admin || tiers.announcement_id !== null)
        ? { code: tiers.tier, confirmed: tiers.announcement_id !== null }
        : null,
    timezone: found.plan.timezone,
  };
  const actions: CardActions = {
    edit: viewer.secretary && stage === 'registration',
    progress: viewer.secretary && (stage === 'registration' || stage === 'implementation'),
    apply: viewer.secretary && stage === 'implementation' && stageOpen(found.today, rules.application.by, extendedTo),
    guidance: viewer.leader && stage !== 'award',
    accept: viewer.leader && stage === 'registration',
    back: (viewer.leader || viewer.admin) && earlierStages(stage).length > 0,
    assign: viewer.admin && stage === 'application',
    score: isAssessor && stage === 'assessment' && sheets.status === 'hidden',
  };
  return { card, actions };
}

/** The committee's rows: ranked, with the automatic tier and the proposal, from one guarded read. */
export async function reviewRows(ctx: AppContext, plan: Plan, rules: ProjectRules): Promise<ReviewRow[]> {
  const entries = await reviewSheets(ctx.db, plan.id);
  const byId = new Map(entries.map((e) => [e.project.id, e]));
  const ranked = rankProjects(
    rules.criteria,
    entries.filter((e) => e.project.stage === 'review').map((e) => ({ projectId: e.project.id, sheets: e.sheets })),
  );
  const auto = new Map(proposeTiers(rules.tiers, ranked).map((p) => [p.projectId, p]));
  return ranked.map((r) => {
    const e = byId.get(r.projectId)!;
    return {
      ranked: r,
      project: { id: e.project.id, title: e.project.title },
      branchName: e.branchName,
      auto: auto.get(r.projectId)!,
      proposed: e.tier,
    };
  });
}

/** The Home's projects part for this person, or null when the plan has no projects. */
export async function projectsHome(
  ctx: AppContext,
  planToday: PlanToday,
  person: Person,
  branches: readonly Branch[],
): Promise<ProjectsHome | null> {
  const rules = planToday.plan.settings.projects;
  if (!rules) return null;
  const pt = { found: planToday, rules };
  const leader = person.roles.includes('leader');
  const admin = person.roles.includes('admin');
  const [mine, awards, toScore, counts, toAssign] = await Promise.all([
    branchProjects(ctx, pt, branches),
    confirmedTiers(ctx, planToday.plan.id),
    leader ? assessmentsFor(ctx.db, planToday.plan.id, person.id) : Promise.resolve([]),
    leader || admin ? projectStageCounts(ctx.db, planToday.plan.id) : Promise.resolve(null),
    admin
      ? listProjects(ctx.db, planToday.plan.id).then((ps) =>
          ps.filter((p) => p.stage === 'application').map((p) => ({ projectId: p.id, title: p.title })),
        )
      : Promise.resolve(null),
  ]);
  return { branches: mine, awards, rules, toScore: toScore.filter((s) => !s.scored), counts, toAssign };
}

/**
 * Where a button's modal goes: pushed over the modal the button sits in (the project's card),
 * else opened (a message, the App Home).
 */
export function showModal(client: WebClient, body: BlockAction, view: View) {
  return body.view?.type === 'modal'
    ? client.views.push({ trigger_id: body.trigger_id, view })
    : client.views.open({ trigger_id: body.trigger_id, view });
}

/** A button's answer in a modal: pushed over the card it came from, or opened over the message or Home. */
export function modalReply(client: WebClient, body: BlockAction, close: MessageKey): Answer {
  return (text: string, locale: Locale) => showModal(client, body, messageModal('Pacesetter', text, t(locale, close)));
}

/** A command's or a message button's answer, only to the caller. */
export function ephemeralReply(respond: RespondFn): Answer {
  return (text) => respond({ response_type: 'ephemeral', replace_original: false, text });
}

/** The rows that post a project or commendation summary and its thread once. */
export function postRows(key: string, channel: string, posts: ThreadedPosts) {
  return threadedPostRows('projects', key, channel, posts);
}
