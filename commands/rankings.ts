import { audit } from '../db/queries/audit.js';
import { listExemptions } from '../db/queries/exemptions.js';
import { findActivePlan, type Plan } from '../db/queries/plans.js';
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
import { localDateOf } from '../src/domain/time.js';
import { CATEGORIES, type Category } from '../src/domain/types.js';
import { catalogues, t, type Locale, type MessageKey } from '../src/i18n/index.js';
import { recordRefusal } from '../src/slack/access.js';
import { leaderGate } from '../src/slack/leader-gate.js';
import type { Router } from '../src/slack/router.js';
import { explainBlocks, rankingBlocks } from '../src/ui/rankings.js';

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
async function rankNow(ctx: AppContext, plan: Plan) {
  const now = ctx.clock.now();
  const today = localDateOf(now, plan.timezone);
  const data = await loadRankingData(ctx.db, plan);
  const year = rankBranches(rankingInput(data, plan, today, 'year'));
  await ensureMonthlySnapshot(ctx.db, plan, now, year);
  return { now, today, data, year };
}

export function register(router: Router, ctx: AppContext): void {
  router.command('/rankings', async ({ command, ack, client, respond }) => {
    await ack();
    const gate = await leaderGate(
      ctx,
      client,
      command.user_id,
      'command./rankings',
      leaderAccess.viewRankings,
      'leaders.forbidden.rankings',
      { text: (command.text ?? '').slice(0, 100) },
    );
    if (!gate.ok) {
      await respond({ response_type: 'ephemeral', text: gate.text });
      return;
    }
    const { person, locale } = gate;
    const say = (text: string) => respond({ response_type: 'ephemeral', text });
    const request = parseRankingsText(command.text, categoryAliases());
    if (request.kind === 'invalid') {
      await say(usage(locale));
      return;
    }
    if (request.kind === 'list' && request.public && !leaderAccess.act(person)) {
      await recordRefusal(ctx, {
        actor: command.user_id,
        action: 'command./rankings public',
        reason: 'only leaders post rankings in a channel',
      });
      await say(t(locale, 'leaders.forbidden.leaders_only'));
      return;
    }
    const plan = await findActivePlan(ctx.db, ctx.clock.now().toISOString().slice(0, 10));
    if (!plan) {
      await say(t(locale, 'common.no_plan'));
      return;
    }
    const { today, data, year } = await rankNow(ctx, plan);
    const mode = modeOn(today, plan.ends);
    const rules = { onTime: plan.settings.scoring.on_time, late: plan.settings.scoring.late };

    if (request.kind === 'explain') {
      const branch = findBranch(data.branches, request.branch);
      if (!branch) {
        await say(t(locale, 'leaders.unknown_branch', { text: escape(request.branch.slice(0, 60)) }));
        return;
      }
      const row = year.find((r) => r.branch.id === branch.id);
      if (!row) {
        await say(t(locale, 'leaders.unknown_branch', { text: escape(request.branch.slice(0, 60)) }));
        return;
      }
      const exemptReasons = new Map(
        (await listExemptions(ctx.db, plan.id))
          .filter((e) => e.branchId === branch.id && e.revokedAt === null)
          .map((e) => [e.obligationId, e.reason]),
      );
      const totalInCategory = year.filter((r) => r.branch.category === branch.category).length;
      const message = explainBlocks({ locale, row, total: year.length, totalInCategory, mode, rules, exemptReasons });
      await respond({ response_type: 'ephemeral', ...message });
      return;
    }

    const ranked = request.period === 'year' ? year : rankBranches(rankingInput(data, plan, today, 'month'));
    const rows = request.category ? categoryRanking(ranked, request.category) : ranked;
    const previous = await previousSnapshot(ctx.db, plan.id, monthOf(today));
    const view = { rows, category: request.category, period: request.period, mode, today, rules, previous };
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
      await say(t(locale, 'leaders.rankings.posted'));
    } catch (err) {
      const error = (err as { data?: { error?: string } }).data?.error ?? 'error';
      ctx.logger.warn({ err, channel: command.channel_id }, 'could not post the ranking');
      await say(t(locale, 'leaders.rankings.post_failed', { error }));
    }
  });
}
