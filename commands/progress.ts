import type { KnownBlock } from '@slack/types';
import { listPapersByAuthor, listPapersForPlan, papersAwaitingReview } from '../db/queries/papers.js';
import { findPersonWithBranches, listBranches } from '../db/queries/people.js';
import { findActivePlan, type Plan } from '../db/queries/plans.js';
import { listRankedPeople, loadChecklistInputs, loadOverviewInputs } from '../db/queries/progress.js';
import type { DB } from '../db/index.js';
import type { AppContext } from '../src/context.js';
import { paperChecklist, paperObligationsFor } from '../src/domain/papers.js';
import {
  branchCounts,
  branchStatuses,
  matchBranches,
  overview,
  paperOverview,
  parseProgressText,
  type BranchStatus,
} from '../src/domain/progress.js';
import { localDateOf } from '../src/domain/time.js';
import type { Branch, LocalDate, Person } from '../src/domain/types.js';
import { t, type Locale } from '../src/i18n/index.js';
import { recordRefusal } from '../src/slack/access.js';
import { localeFor } from '../src/slack/locale.js';
import type { Router } from '../src/slack/router.js';
import { LIMITS } from '../src/ui/limits.js';
import { paperStatusBlocks } from '../src/ui/paper.js';
import { branchesBlocks, overviewBlocks, textBlocks } from '../src/ui/progress.js';

/** Leaders see every branch and the summary; nobody else does (admins change the plan, they do not inspect). */
export function canSeeAllBranches(person: Person): boolean {
  return person.roles.includes('leader');
}

export async function statusesFor(db: DB, plan: Plan, branches: Branch[], today: LocalDate): Promise<BranchStatus[]> {
  const inputs = await loadChecklistInputs(
    db,
    plan,
    branches.map((b) => b.id),
  );
  return branchStatuses(branches, { ...inputs, today });
}

/** The leaders' overview blocks: categories, papers, laggards. Reads the whole plan once. */
export async function overviewFor(
  db: DB,
  plan: Plan,
  today: LocalDate,
  locale: Locale,
  header = true,
): Promise<KnownBlock[]> {
  const [branches, inputs, people, papers, waiting] = await Promise.all([
    listBranches(db),
    loadOverviewInputs(db, plan),
    listRankedPeople(db),
    listPapersForPlan(db, plan.id),
    papersAwaitingReview(db, plan.id, 0),
  ]);
  const counts = branchCounts(branches, { ...inputs, today });
  const paperCounts = paperOverview({ people, obligations: inputs.obligations, papers, today });
  return overviewBlocks({
    locale,
    overview: overview(counts),
    today,
    papers: { ...paperCounts, waiting: waiting.total },
    header,
  });
}

/** The notification text of a blocks answer: its first heading. */
function fallbackText(blocks: KnownBlock[]): string {
  for (const b of blocks) {
    if ((b.type === 'header' || b.type === 'section') && b.text) return b.text.text.slice(0, 300);
  }
  return 'Pacesetter';
}

export function register(router: Router, ctx: AppContext): void {
  router.command('/progress', async ({ command, ack, client, respond }) => {
    await ack();
    const reply = (blocks: KnownBlock[], text: string) =>
      respond({ response_type: 'ephemeral', text, blocks: blocks.slice(0, LIMITS.messageBlocks) });
    const say = (text: string) => respond({ response_type: 'ephemeral', text });
    const found = await findPersonWithBranches(ctx.db, command.user_id);
    const locale = await localeFor(ctx, client, command.user_id, found?.person ?? null);
    if (!found) {
      await say(t(locale, 'common.not_in_roster'));
      return;
    }
    const { person } = found;
    const request = parseProgressText(command.text ?? '');
    if (request.kind === 'help') {
      await say(t(locale, 'progress.help'));
      return;
    }
    const now = ctx.clock.now();
    const plan = await findActivePlan(ctx.db, now.toISOString().slice(0, 10));
    if (!plan) {
      await say(t(locale, 'common.no_plan'));
      return;
    }
    const today = localDateOf(now, plan.timezone);
    const leader = canSeeAllBranches(person);

    if (request.kind === 'all') {
      if (!leader) {
        await recordRefusal(ctx, {
          actor: command.user_id,
          action: 'command./progress',
          reason: 'summary asked by a non-leader',
          details: { text: 'all' },
        });
        await say(t(locale, 'progress.not_leader'));
        return;
      }
      const blocks = await overviewFor(ctx.db, plan, today, locale);
      await reply(blocks, t(locale, 'progress.summary.header', { date: today }));
      return;
    }

    if (request.kind === 'branch') {
      const matches = matchBranches(await listBranches(ctx.db), request.query);
      if (matches.length === 0) {
        await say(
          `${t(locale, 'progress.unknown_branch', { text: request.query.slice(0, 60) })}\n${t(locale, 'progress.help')}`,
        );
        return;
      }
      const allowed = leader ? matches : matches.filter((b) => person.secretaryOf.includes(b.id));
      if (allowed.length === 0) {
        await recordRefusal(ctx, {
          actor: command.user_id,
          action: 'command./progress',
          reason: 'another branch asked by a non-leader',
          details: { branches: matches.map((b) => b.code).slice(0, 10) },
        });
        await say(t(locale, 'progress.not_leader'));
        return;
      }
      const statuses = await statusesFor(ctx.db, plan, allowed, today);
      await reply(
        branchesBlocks(statuses, locale, LIMITS.messageBlocks, { reviewButtons: leader }),
        allowed.map((b) => b.name).join(', '),
      );
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
      const statuses = branchStatuses(found.branches, { ...inputs, today });
      blocks.push(...branchesBlocks(statuses, locale, LIMITS.messageBlocks - paperBlocks.length - summary.length - 2));
    }
    for (const part of [paperBlocks, summary]) {
      if (part.length === 0) continue;
      if (blocks.length > 0) blocks.push({ type: 'divider' });
      blocks.push(...part);
    }
    if (blocks.length === 0) {
      await reply(textBlocks(t(locale, 'progress.nothing')), t(locale, 'progress.nothing'));
      return;
    }
    await reply(blocks, fallbackText(blocks));
  });
}
