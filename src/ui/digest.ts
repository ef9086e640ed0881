import type { KnownBlock } from '@slack/types';
import { percent, type DigestData } from '../domain/digest.js';
import { pick, t, type Locale, type MessageKey } from '../i18n/index.js';
import { LIMITS, escape, mrkdwn, plain } from './limits.js';
import { section } from './blocks.js';
import { stageCountsLine } from './projects.js';

export interface DigestMessages {
  main: { text: string; blocks: KnownBlock[] };
  /** Replies in the main message's thread: the detail that would not fit a summary. */
  thread: { text: string; blocks: KnownBlock[] }[];
}

const SHOWN = 10;
const LINES_PER_SECTION = 20;
const SECTIONS_PER_REPLY = 10;

/**
 * The weekly digest: a summary whose size does not depend on the roster (at most a few dozen
 * blocks), and the list of overdue branches in the thread, 200 branches a reply.
 */
export function digestMessages(locale: Locale, d: DigestData): DigestMessages {
  const blocks: KnownBlock[] = [
    {
      type: 'header',
      text: plain(t(locale, 'jobs.digest.header', { start: d.weekStart, end: d.weekEnd }), LIMITS.headerText),
    },
  ];
  if (d.late) blocks.push({ type: 'context', elements: [mrkdwn(t(locale, 'jobs.digest.late'))] });
  blocks.push(
    section(
      t(locale, 'jobs.digest.overall', {
        doneOfDue: d.overall.doneOfDue,
        due: d.overall.due,
        percent: percent(d.overall.doneOfDue, d.overall.due),
        done: d.overall.done,
        total: d.overall.total,
      }),
    ),
  );
  if (d.byCategory.length > 0) {
    const lines = d.byCategory.map((c) =>
      t(locale, 'jobs.digest.category', {
        category: t(locale, `common.category.${c.category}` as MessageKey),
        doneOfDue: c.doneOfDue,
        due: c.due,
        percent: percent(c.doneOfDue, c.due),
        done: c.done,
        total: c.total,
      }),
    );
    blocks.push(section([t(locale, 'jobs.digest.by_category'), ...lines].join('\n')));
  }
  blocks.push(section(t(locale, 'jobs.digest.received', { reports: d.reportsThisWeek, papers: d.papersThisWeek })));
  if (d.dueSoon.length === 0) blocks.push(section(t(locale, 'jobs.digest.due_soon_none')));
  else {
    const lines = d.dueSoon.slice(0, SHOWN).map((x) =>
      t(locale, 'jobs.digest.due_soon_item', {
        due: x.due,
        code: x.code,
        title: escape(pick(x.title, locale)),
        open: x.open,
      }),
    );
    if (d.dueSoon.length > SHOWN) lines.push(t(locale, 'jobs.digest.more', { count: d.dueSoon.length - SHOWN }));
    blocks.push(section([t(locale, 'jobs.digest.due_soon'), ...lines].join('\n')));
  }
  blocks.push(
    section(
      d.overdueBranches.length === 0 && d.overduePapers === 0
        ? t(locale, 'jobs.digest.overdue_none')
        : t(locale, 'jobs.digest.overdue', { branches: d.overdueBranches.length, papers: d.overduePapers }),
    ),
  );
  if (d.excellent.length > 0) {
    const lines = d.excellent
      .slice(0, SHOWN)
      .map((x) => t(locale, 'jobs.digest.excellent_item', { title: escape(x.title), author: escape(x.author) }));
    if (d.excellent.length > SHOWN) lines.push(t(locale, 'jobs.digest.more', { count: d.excellent.length - SHOWN }));
    blocks.push(section([t(locale, 'jobs.digest.excellent'), ...lines].join('\n')));
  }
  if (d.projects && Object.values(d.projects).some((n) => n > 0))
    blocks.push(section(t(locale, 'project.digest.line', { counts: stageCountsLine(locale, d.projects) })));
  const p = percent(d.overall.doneOfDue, d.overall.due);
  const main = {
    text: t(locale, 'jobs.digest.text', { done: d.overall.doneOfDue, due: d.overall.due, percent: p }),
    blocks,
  };

  const lines = d.overdueBranches.map((b) =>
    t(locale, 'jobs.digest.thread_overdue_item', { name: escape(b.name), code: b.code, codes: b.codes.join(', ') }),
  );
  const perReply = LINES_PER_SECTION * SECTIONS_PER_REPLY;
  const parts = Math.ceil(lines.length / perReply);
  const thread: DigestMessages['thread'] = [];
  for (let part = 0; part < parts; part++) {
    const chunk = lines.slice(part * perReply, (part + 1) * perReply);
    const title = t(locale, 'jobs.digest.thread_overdue', { part: part + 1, parts });
    const replyBlocks: KnownBlock[] = [section(title)];
    for (let i = 0; i < chunk.length; i += LINES_PER_SECTION)
      replyBlocks.push(section(chunk.slice(i, i + LINES_PER_SECTION).join('\n')));
    thread.push({ text: title.replace(/\*/g, ''), blocks: replyBlocks });
  }
  return { main, thread };
}
