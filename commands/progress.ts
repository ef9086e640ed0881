import type { KnownBlock } from '@slack/types';
import { listInspections, listRectificationItems } from '../db/queries/inspections.js';
import { listPapersByAuthor } from '../db/queries/papers.js';
import { listBranches } from '../db/queries/people.js';
import type { Plan } from '../db/queries/plans.js';
import { loadChecklistInputs } from '../db/queries/progress.js';
import type { DB } from '../db/index.js';
import type { AppContext } from '../src/context.js';
import { paperChecklist, paperObligationsFor } from '../src/domain/papers.js';
import { branchStatuses, matchBranches, parseProgressText, type BranchStatus } from '../src/domain/progress.js';
import type { Branch, LocalDate, Person } from '../src/domain/types.js';
import { leadersOverview } from '../src/flows/overview.js';
import type { Locale } from '../src/i18n/index.js';
import { callerOf, ephemeral } from '../src/slack/caller.js';
import type { Router } from '../src/slack/router.js';
import { LIMITS, escape } from '../src/ui/limits.js';
import { paperStatusBlocks } from '../src/ui/paper.js';
import { inspectionHistoryLines } from '../src/ui/inspections.js';
import { branchesBlocks, overviewBlocks, textBlocks } from '../src/ui/progress.js';
import { sectionsOf } from '../src/ui/rankings.js';

/** Leaders see every branch and the summary; nobody else does (admins change the plan, they do not inspect). */
function canSeeAllBranches(person: Person): boolean {
  return person.roles.includes('leader');
}

async function statusesFor(db: DB, plan: Plan, branches: Branch[], today: LocalDate): Promise<BranchStatus[]> {
  const inputs = await loadChecklistInputs(
    db,
    plan,
    branches.map((b) => b.id),
  );
  return branchStatuses(branches, { ...inputs, today });
}

/** The leaders' overview blocks: categories, papers, laggards. */
async function overviewFor(db: DB, plan: Plan, today: LocalDate, locale: Locale): Promise<KnownBlock[]> {
  const { overview, papers } = await leadersOverview(db, plan, today);
  return overviewBlocks({ locale, overview, today, papers });
}

/**
 * One branch's inspections and their rectification tasks, for a leader who asked for that branch:
 * the county's inspections that set it tasks included. Findings are the inspectors' words, escaped.
 */
async function historyFor(db: DB, plan: Plan, branch: Branch, locale: Locale): Promise<KnownBlock[]> {
  const [inspections, items] = await Promise.all([
    listInspections(db, plan.id, { branchId: branch.id }),
    listRectificationItems(db, plan.id, { branchId: branch.id }),
  ]);
  // At most 20 sections (some 200 inspections), so the checklist keeps its room; the export has them all.
  return sectionsOf(
    inspectionHistoryLines({ locale, inspections, items, ratings: plan.settings.inspections.ratings }),
  ).slice(0, 20);
}

/** The notification text of a blocks answer: its first heading. */
function fallbackText(blocks: KnownBlock[]): string {
  for (const b of blocks) {
    // A header is plain text; the notification text is mrkdwn.
    if (b.type === 'header') return escape(b.text.text.slice(0, 300));
    if (b.type === 'section' && b.text) return b.text.text.slice(0, 300);
  }
  return 'Pacesetter';
}

export function register(router: Router, ctx: AppContext): void {
  router.command('/progress', async ({ command, ack, client, respond }) => {
    await ack();
    const reply = (blocks: KnownBlock[], text: string) =>
      respond({ response_type: 'ephemeral', text, blocks: blocks.slice(0, LIMITS.messageBlocks) });
    const caller = await callerOf(ctx, client, command.user_id, {
      action: 'command./progress',
      answer: ephemeral(respond),
    });
    const member = await caller.require();
    if (!member) return;
    const { person, locale } = member;
    const request = parseProgressText(command.text ?? '');
    if (request.kind === 'help') return member.say(member.t('progress.help'));
    const found = await member.today();
    if (!found) return member.say(member.t('common.no_plan'));
    const { plan, today } = found;
    const leader = canSeeAllBranches(person);

    if (request.kind === 'all') {
      if (!leader)
        return member.refuse('summary asked by a non-leader', member.t('progress.not_leader'), { text: 'all' });
      const blocks = await overviewFor(ctx.db, plan, today, locale);
      await reply(blocks, member.t('progress.summary.header', { date: today }));
      return;
    }

    if (request.kind === 'branch') {
      const matches = matchBranches(await listBranches(ctx.db), request.query);
      if (matches.length === 0)
        return member.say(
          `${member.t('progress.unknown_branch', { text: escape(request.query.slice(0, 60)) })}\n${member.t('progress.help')}`,
        );
      const allowed = leader ? matches : matches.filter((b) => person.secretaryOf.includes(b.id));
      if (allowed.length === 0)
        return member.refuse('another branch asked by a non-leader', member.t('progress.not_leader'), {
          branches: matches.map((b) => b.code).slice(0, 10),
        });
      const statuses = await statusesFor(ctx.db, plan, allowed, today);
      // A leader asking for one branch also sees its inspections; a search matching several shows checklists only.
      const history = leader && allowed.length === 1 ? await historyFor(ctx.db, plan, allowed[0]!, locale) : [];
      const budget = LIMITS.messageBlocks - (history.length > 0 ? history.length + 1 : 0);
      const blocks = branchesBlocks(statuses, locale, budget, { reviewButtons: leader });
      if (history.length > 0) {
        if (blocks.at(-1)?.type !== 'divider') blocks.push({ type: 'divider' });
        blocks.push(...history);
      }
      await reply(blocks, escape(allowed.map((b) => b.name).join(', ')));
      return;
    }

    // No text: what concerns this person, by role.
    const blocks: KnownBlock[] = [];
    const papers = await listPapersByAuthor(ctx.db, person.id, plan.id);
    const inputs = await loadChecklistInputs(ctx.db, plan, person.secretaryOf);
    const owesPapers = paperObligationsFor(inputs.obligations, person.rank).length > 0;
    const paperBlocks =
      owesPapers || papers.length > 0
        ? paperStatusBlocks({
            locale,
            items: paperChecklist({ obligations: inputs.obligations, rank: person.rank, papers, today }),
            papers,
            withButtons: false,
          })
        : [];
    const summary = leader ? await overviewFor(ctx.db, plan, today, locale) : [];
    if (person.secretaryOf.length > 0) {
      const statuses = branchStatuses(member.branches, { ...inputs, today });
      blocks.push(...branchesBlocks(statuses, locale, LIMITS.messageBlocks - paperBlocks.length - summary.length - 2));
    }
    for (const part of [paperBlocks, summary]) {
      if (part.length === 0) continue;
      if (blocks.length > 0) blocks.push({ type: 'divider' });
      blocks.push(...part);
    }
    if (blocks.length === 0) {
      await reply(textBlocks(member.t('progress.nothing')), member.t('progress.nothing'));
      return;
    }
    await reply(blocks, fallbackText(blocks));
  });
}
