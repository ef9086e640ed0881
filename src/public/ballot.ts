import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { auditRefusedBallot, castCodeBallot, findCode, missesOf, recordMiss } from '../../db/queries/evaluation.js';
import type { AppContext } from '../context.js';
import { checkAnswers, normaliseCode, questionBlock, roundState } from '../domain/evaluation.js';
import { localDateOf } from '../domain/time.js';
import type { Locale } from '../i18n/index.js';
import { BALLOT_CSP, ballotPage, codeEntryPage, noticePage, type BallotNotice } from '../ui/ballot-page.js';

/**
 * The public ballot page (群众代表 vote with a one-time code): GET shows the ballot, POST counts
 * it. Mounted by src/app.ts only when PUBLIC_URL is set. No cookie, no script; wrong codes are
 * counted per hashed address in the database and refused for 15 minutes after `MAX_MISSES`
 * (docs/decisions/011-evaluation-anonymity.md).
 */

export const MAX_MISSES = 10;
const MAX_BODY = 8 * 1024;

/** SHA-256 of a code as stored; the code itself is on the slip only. */
export function codeHash(code: string): string {
  return createHash('sha256').update(`pacesetter-ballot:${code}`).digest('hex');
}

/** An address as the limiter keeps it: hashed, so the table holds no one's IP address. */
function addressKey(req: IncomingMessage): string {
  return createHash('sha256')
    .update(`pacesetter-miss:${req.socket.remoteAddress ?? 'unknown'}`)
    .digest('hex')
    .slice(0, 32);
}

/** `?lang=en|zh` first, then the browser's first language, then the bot's default. */
function localeOf(req: IncomingMessage, url: URL, fallback: Locale, form?: URLSearchParams): Locale {
  const asked = form?.get('lang') ?? url.searchParams.get('lang');
  if (asked === 'en') return 'en';
  if (asked === 'zh') return 'zh-CN';
  const accept = String(req.headers['accept-language'] ?? '')
    .split(',')[0]
    ?.trim()
    .toLowerCase();
  if (accept?.startsWith('zh')) return 'zh-CN';
  if (accept) return 'en';
  return fallback;
}

function send(res: ServerResponse, status: number, body: string, extra: Record<string, string> = {}): void {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': BALLOT_CSP,
    'x-content-type-options': 'nosniff',
    // The code is in the address: no other site may learn it from a Referer.
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-store',
    'x-frame-options': 'DENY',
    ...extra,
  });
  res.end(body);
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams | null> {
  const type = String(req.headers['content-type'] ?? '');
  if (!type.startsWith('application/x-www-form-urlencoded')) return null;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) return null;
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/** The handlers of `/ballot` and `/ballot/:code`, for Bolt's custom routes. */
export function ballotRoutes(ctx: AppContext) {
  const notice = (
    res: ServerResponse,
    status: number,
    locale: Locale,
    path: string,
    n: BallotNotice,
    dates: { opens?: string; closes?: string } = {},
  ) => send(res, status, noticePage({ locale, path, notice: n, ...dates }));

  /** `/ballot?code=…` (the code typed into the form) goes to the code's own page; `/ballot` alone shows the form. */
  const entry = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const locale = localeOf(req, url, ctx.config.defaultLocale);
    const typed = url.searchParams.get('code');
    if (typed === null) return send(res, 200, codeEntryPage(locale));
    const code = normaliseCode(typed);
    if (code === null) return miss(req, res, locale, '/ballot', null);
    res.writeHead(303, {
      location: `/ballot/${code}?lang=${locale === 'zh-CN' ? 'zh' : 'en'}`,
      'cache-control': 'no-store',
    });
    res.end();
  };

  const miss = async (
    req: IncomingMessage,
    res: ServerResponse,
    locale: Locale,
    path: string,
    roundId: number | null,
  ) => {
    const now = ctx.clock.now();
    await recordMiss(ctx.db, addressKey(req), now);
    await auditRefusedBallot(ctx.db, {
      roundId,
      branchId: null,
      reason: 'unknown code',
      source: 'public',
      actor: 'public',
      now,
    });
    notice(res, 404, locale, path, 'unknown');
  };

  const ballot = async (req: IncomingMessage & { params?: Record<string, string> }, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const posting = req.method === 'POST';
    const form = posting ? await readForm(req) : undefined;
    const locale = localeOf(req, url, ctx.config.defaultLocale, form ?? undefined);
    const now = ctx.clock.now();
    const address = addressKey(req);
    if ((await missesOf(ctx.db, address, now)) >= MAX_MISSES) return notice(res, 429, locale, '/ballot', 'limited', {});
    const code = normaliseCode(req.params?.code ?? '');
    const path = code ? `/ballot/${code}` : '/ballot';
    if (code === null) return miss(req, res, locale, path, null);
    const hash = codeHash(code);
    const found = await findCode(ctx.db, hash);
    if (!found) return miss(req, res, locale, path, null);
    const plan = await ctx.db
      .selectFrom('plans')
      .select(['timezone', 'year'])
      .where('id', '=', found.round.planId)
      .executeTakeFirstOrThrow();
    const today = localDateOf(now, plan.timezone);
    const refused = async (reason: string, status: number, n: BallotNotice) => {
      await auditRefusedBallot(ctx.db, {
        roundId: found.round.id,
        branchId: found.branch.id,
        reason,
        source: 'public',
        actor: 'public',
        now,
      });
      notice(res, status, locale, path, n, { opens: found.round.opens, closes: found.round.closes });
    };
    const state = roundState(found.round, today);
    if (state === 'before') return refused('round not open', 403, 'not_open');
    if (state !== 'open') return refused('round closed', 403, 'closed');
    if (found.used) return refused('code used', 410, 'used');
    const show = (status: number, extra: { missing?: boolean; chosen?: Record<string, string> } = {}) =>
      send(
        res,
        status,
        ballotPage({
          locale,
          path,
          branchName: found.branch.name,
          year: plan.year,
          closes: found.round.closes,
          settings: found.round.settings,
          ...extra,
        }),
      );
    if (!posting) return show(200);
    if (!form) return refused('malformed form', 400, 'unknown');
    const answers = checkAnswers(found.round.settings, (q) => form.get(questionBlock(q)) ?? undefined);
    if (!answers.ok) {
      await auditRefusedBallot(ctx.db, {
        roundId: found.round.id,
        branchId: found.branch.id,
        reason: 'unanswered or a grade not offered',
        source: 'public',
        actor: 'public',
        now,
      });
      // Only the grades the ballot offers are kept on the redisplayed page; anything else typed is dropped.
      const offered = new Set(found.round.settings.grades.map((g) => g.code));
      const chosen = Object.fromEntries(
        found.round.settings.questions.flatMap((q) => {
          const g = form.get(questionBlock(q.code));
          return g !== null && offered.has(g) ? [[q.code, g]] : [];
        }),
      );
      return show(422, { missing: true, chosen });
    }
    const outcome = await castCodeBallot(ctx.db, { hash, answers: answers.value, today, now });
    if (outcome === 'counted') return notice(res, 200, locale, path, 'thanks');
    if (outcome === 'used') return refused('code used', 410, 'used');
    if (outcome === 'not_open') return refused('round not open', 403, 'not_open');
    return refused('round closed', 403, 'closed');
  };

  return [
    { path: '/ballot', method: ['GET'], handler: entry },
    { path: '/ballot/:code', method: ['GET', 'POST'], handler: ballot },
  ];
}
