import { audit } from '../db/queries/audit.js';
import { listExemptions } from '../db/queries/exemptions.js';
import type { PlanToday } from '../db/queries/plans.js';
import { ensureMonthlySnapshot, loadRankingData, previousSnapshot, rankingInput } from '../db/queries/rankings.js';
import type { AppContext } from '../src/context.js';
import { escape } from '../src/ui/limits.js';
import {
  categoryRanking,
  findBranch,
  leaderAccess,
  monthOf,
  parseRankingsText,
  rankBranches,
} from '../src/domain/ranking.js';
import { modeOn } from '../src/domain/scoring.js';
import { CATEGORIES, type Category } from '../src/domain/types.js';
import { catalogues, t, type Locale, type MessageKey } from '../src/i18n/index.js';
import { evaluationOverview } from '../src/flows/evaluation.js';
import { callerOf, ephemeral } from '../src/slack/caller.js';
import type { Router } from '../src/slack/router.js';
import { explainBlocks, rankingBlocks, sectionsOf } from '../src/ui/rankings.js';
import { loadAssessment } from '../db/queries/assessment.js';
import { assessmentBlocks, assessmentExplainLines } from '../src/ui/assessment.js';

/** Category names in both languages, so `/rankings 中学` works as well as `/rankings secondary`. */
function categoryAliases(): Map<string, Category> {
  const map = new Map<string, Category>();
  for (const c of CATEGORIES)
    for (const cat of Object.values(catalogues)) map.set(cat[`common.category.${c}` as MessageKey], c);
  return map;
}

function usage(locale: Locale): string {
  return t(locale, 'leaders.rankings.usage', { categories: CATEGORIES.join(', ') });
}

/**
 * Loads everything once, takes the month's snapshot if none was taken yet (from the year's ranking
 * just computed), and returns the year's ranking with the data to rank other periods.
 */
async function rankNow(ctx: AppContext, { plan, today }: PlanToday) {
  const data = await loadRankingData(ctx.db, plan);
  const year = rankBranches(rankingInput(data, plan, today, 'year'));
  await ensureMonthlySnapshot(ctx.db, plan, ctx.clock.now(), year);
  return { data, year };
}

export function register(router: Router, ctx: AppContext): void {
  router.command('/rankings', async ({ command, ack, client, respond }) => {
    await ack();
    const caller = await callerOf(ctx, client, command.user_id, {
      action: 'command./rankings',
      answer: ephemeral(respond),
      details: { text: (command.text ?? '').slice(0, 100) },
    });
    const viewer = await caller.require({ may: leaderAccess.viewRankings, refusal: 'leaders.forbidden.rankings' });
    if (!viewer) return;
    const { locale } = viewer;
    // `/rankings evaluation` (评议): the year-end evaluation's turnout while it is open, its results once closed.
    if (/^(evaluation|评议)$/i.test((command.text ?? '').trim())) {
      const found = await viewer.today();
      if (!found) return viewer.say(viewer.t('common.no_plan'));
      const blocks = await evaluationOverview(ctx, found.plan, found.today, locale);
      await respond({ response_type: 'ephemeral', text: viewer.t('evaluation.title'), blocks });
      return;
    }
    const request = parseRankingsText(command.text, categoryAliases());
    if (request.kind === 'invalid') return viewer.say(usage(locale));
    if (request.kind === 'list' && request.public) {
      const leader = await viewer.require({
        may: leaderAccess.act,
        refusal: 'leaders.forbidden.leaders_only',
        reason: 'only leaders post rankings in a channel',
        action: 'command./rankings public',
      });
      if (!leader) return;
    }
    const found = await viewer.today();
    if (!found) return viewer.say(viewer.t('common.no_plan'));
    const { plan, today } = found;
    const { data, year } = await rankNow(ctx, found);
    const mode = modeOn(today, plan.ends);
    const scoring = { onTime: plan.settings.scoring.on_time, late: plan.settings.scoring.late };

    if (request.kind === 'assessment') {
      const { rules, assessment } = await loadAssessment(ctx.db, plan, today, data);
      await respond({
        response_type: 'ephemeral',
        ...assessmentBlocks({ locale, year: plan.year, assessment, rules, category: request.category }),
      });
      return;
    }

    if (request.kind === 'explain') {
      const branch = findBranch(data.branches, request.branch);
      const row = branch ? year.find((r) => r.branch.id === branch.id) : undefined;
      if (!branch || !row)
        return viewer.say(viewer.t('leaders.unknown_branch', { text: escape(request.branch.slice(0, 60)) }));
      // The year-end assessment's arithmetic first, then the task score's, which is its first component.
      const { rules, assessment } = await loadAssessment(ctx.db, plan, today, data);
      const assessed = assessment.rows.find((r) => r.branch.id === branch.id)!;
      const assessedLines = assessmentExplainLines({
        locale,
        row: assessed,
        assessment,
        rules,
        ratings: plan.settings.inspections.ratings,
        totalInCategory: assessment.rows.filter((r) => r.branch.category === branch.category && r.cents !== null)
          .length,
      });
      const exemptReasons = new Map(
        (await listExemptions(ctx.db, plan.id))
          .filter((e) => e.branchId === branch.id && e.revokedAt === null)
          .map((e) => [e.obligationId, e.reason]),
      );
      const totalInCategory = year.filter((r) => r.branch.category === branch.category).length;
      const message = explainBlocks({
        locale,
        row,
        total: year.length,
        totalInCategory,
        mode,
        rules: scoring,
        exemptReasons,
      });
      const blocks = [...sectionsOf(assessedLines), { type: 'divider' as const }, ...message.blocks].slice(0, 50);
      await respond({ response_type: 'ephemeral', text: message.text, blocks });
      return;
    }

    const ranked = request.period === 'year' ? year : rankBranches(rankingInput(data, plan, today, 'month'));
    const rows = request.category ? categoryRanking(ranked, request.category) : ranked;
    const previous = await previousSnapshot(ctx.db, plan.id, monthOf(today));
    const view = { rows, category: request.category, period: request.period, mode, today, rules: scoring, previous };
    if (!request.public) {
      await respond({ response_type: 'ephemeral', ...rankingBlocks({ ...view, locale }) });
      return;
    }
    // A ranking posted in a channel speaks the workspace's language, not the asker's.
    try {
      const posted = await client.chat.postMessage({
        channel: command.channel_id,
        ...rankingBlocks({ ...view, locale: ctx.config.defaultLocale }),
      });
      await audit(ctx.db, {
        at: ctx.clock.now(),
        actor: command.user_id,
        action: 'ranking.publish',
        subjectType: 'plan',
        subjectId: plan.id,
        details: {
          channel: command.channel_id,
          ts: posted.ts ?? null,
          category: request.category,
          period: request.period,
        },
      });
      await viewer.say(viewer.t('leaders.rankings.posted'));
    } catch (err) {
      const error = (err as { data?: { error?: string } }).data?.error ?? 'error';
      ctx.logger.warn({ err, channel: command.channel_id }, 'could not post the ranking');
      await viewer.say(viewer.t('leaders.rankings.post_failed', { error }));
    }
  });
}
