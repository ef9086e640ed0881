/**
 * The playground's page and the fragments it fetches as things change: the sidebar (who you are,
 * the channels), a channel's timeline, the App Home, the modal on top. Everything is built with
 * src/ui/html.ts's `html`, which escapes what it is given; Block Kit goes through render.ts.
 */
import type { RosterEntry } from '../../db/queries/playground.js';
import { t, type Locale, type MessageKey } from '../i18n/index.js';
import { html, trustedHtml, type Html } from '../ui/html.js';
import type { FakeFile, FakeMessage } from './fake-slack.js';
import { mrkdwnToHtml } from './mrkdwn.js';
import { renderHome, renderMessageContent, renderModal, type RenderContext } from './render.js';
import { dmChannelOf, mimeOf, type SlashCommand, type Workspace } from './workspace.js';
import { MINUTE_FIELDS, minuteFormat } from '../ui/minute-format.js';

export const JOBS = ['reminders', 'escalations', 'digest'] as const;
export type JobName = (typeof JOBS)[number];

const JOB_LABEL: Record<JobName, MessageKey> = {
  reminders: 'playground.job.reminders',
  escalations: 'playground.job.escalations',
  digest: 'playground.job.digest',
};

export function jobLabel(locale: Locale, job: string): string {
  return (JOBS as readonly string[]).includes(job) ? t(locale, JOB_LABEL[job as JobName]) : job;
}

/** The pane a page shows: the App Home, the DM with the bot, or a channel. */
export type Pane = 'home' | 'dm' | string;

export function paneChannel(userId: string, pane: Pane): string | null {
  if (pane === 'home') return null;
  return pane === 'dm' ? dmChannelOf(userId) : pane;
}

function localTime(ts: string, timezone: string, locale: Locale): { day: string; time: string } {
  const at = new Date(Number(ts) * 1000);
  const day = new Intl.DateTimeFormat(locale === 'zh-CN' ? 'zh-CN' : 'en-GB', {
    timeZone: timezone,
    year: 'numeric',
    month: 'long',
    day: 'numeric',
    weekday: 'long',
  }).format(at);
  const time = new Intl.DateTimeFormat('en-GB', {
    timeZone: timezone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(at);
  return { day, time };
}

function roleWords(locale: Locale, p: RosterEntry): string {
  const roles = p.roles.map((r) => t(locale, `playground.role.${r}`)).join(locale === 'zh-CN' ? '、' : ', ');
  const branches =
    p.branches.length > 0
      ? p.branches.map((b) => b.name).join(locale === 'zh-CN' ? '、' : ', ')
      : t(locale, 'playground.no_branch');
  return `${roles} · ${branches}`;
}

function author(locale: Locale, time: string, edited: boolean): Html {
  return html`<div class="msg-head">
    <span class="msg-author">Pacesetter</span><span class="msg-badge">${t(locale, 'playground.client.app')}</span
    ><time>${time}</time>${edited ? html`<span class="msg-edited">${t(locale, 'playground.client.edited')}</span>` : ''}
  </div>`;
}

function messageHtml(m: FakeMessage, ctx: RenderContext, replies: Html[]): Html {
  const { time } = localTime(m.ts, ctx.timezone, ctx.locale);
  const ephemeral = m.ephemeralTo !== undefined;
  return html`<div
    class="msg${ephemeral ? ' msg-ephemeral' : ''}"
    data-surface="message"
    data-channel="${m.channel}"
    data-ts="${m.ts}"
    ${ephemeral ? trustedHtml(' data-ephemeral="1"') : ''}
  >
    <div class="msg-avatar" aria-hidden="true">P</div>
    <div class="msg-main">
      ${author(ctx.locale, time, m.edits > 0)}${
        ephemeral ? html`<div class="msg-only-you">${t(ctx.locale, 'playground.client.only_you')}</div>` : ''
      }
      <div class="msg-body">${renderMessageContent(m, ctx)}</div>
      ${
        replies.length > 0
          ? html`<div class="thread">
              <div class="thread-label">${t(ctx.locale, 'playground.client.thread')}</div>
              ${replies}
            </div>`
          : ''
      }
    </div>
  </div>`;
}

function fileHtml(f: FakeFile, comment: string | undefined, ctx: RenderContext): Html {
  const { time } = localTime(f.ts, ctx.timezone, ctx.locale);
  const url = ctx.fileUrl(f.fileId, f.filename);
  const image = mimeOf(f.filename).startsWith('image/');
  const size = f.bytes.length < 1024 ? `${f.bytes.length} B` : `${Math.round(f.bytes.length / 1024)} KB`;
  return html`<div class="msg msg-file" data-file="${f.fileId}">
    <div class="msg-avatar" aria-hidden="true">P</div>
    <div class="msg-main">
      ${author(ctx.locale, time, false)}
      <div class="msg-body">
        ${comment ? html`<div class="bk-text">${mrkdwnToHtml(comment, ctx)}</div>` : ''}
        <div class="file-card">
          ${image ? html`<img class="file-image" src="${url}" alt="${f.title}" />` : ''}
          <div class="file-line">
            <span class="file-icon" aria-hidden="true"
              >${(f.filename.split('.').pop() ?? '').slice(0, 4).toUpperCase()}</span
            >
            <span class="file-name">${f.title}</span> <span class="file-size">${size}</span>
            <a class="file-download" href="${url}" download="${f.filename}"
              >${t(ctx.locale, 'playground.client.download')}</a
            >
          </div>
        </div>
      </div>
    </div>
  </div>`;
}

type Item = { ts: string; thread?: string; html: (replies: Html[]) => Html };

/** A channel as one person sees it: messages and files in order, thread replies under their parent. */
export function timelineHtml(ws: Workspace, userId: string, channel: string, locale: Locale): Html {
  const ctx = ws.renderContext(locale);
  const { messages, files } = ws.timeline(userId, channel);
  const items: Item[] = [
    ...messages.map((m) => ({
      ts: m.ts,
      ...(m.threadTs && m.threadTs !== m.ts ? { thread: m.threadTs } : {}),
      html: (replies: Html[]) => messageHtml(m, ctx, replies),
    })),
    ...files.map((f) => {
      const thread = ws.threadOfFile(f.fileId);
      const comment = ws.uploadComment(f.fileId);
      return { ts: f.ts, ...(thread ? { thread } : {}), html: () => fileHtml(f, comment, ctx) };
    }),
  ].sort((a, b) => Number(a.ts) - Number(b.ts));
  const parents = new Set(items.filter((i) => !i.thread).map((i) => i.ts));
  const replies = new Map<string, Item[]>();
  for (const i of items)
    if (i.thread && parents.has(i.thread)) replies.set(i.thread, [...(replies.get(i.thread) ?? []), i]);
  const out: Html[] = [];
  let lastDay = '';
  for (const i of items) {
    if (i.thread && parents.has(i.thread)) continue;
    const { day } = localTime(i.ts, ctx.timezone, locale);
    if (day !== lastDay) out.push(html`<div class="day-divider"><span>${day}</span></div>`);
    lastDay = day;
    out.push(i.html((replies.get(i.ts) ?? []).map((r) => r.html([]))));
  }
  if (out.length === 0) return html`<div class="empty">${t(locale, 'playground.empty_channel')}</div>`;
  return html`${out}`;
}

export function homeHtml(ws: Workspace, userId: string, locale: Locale): Html {
  const home = ws.home(userId);
  if (!home) return html`<div class="empty">${t(locale, 'playground.home_loading')}</div>`;
  return renderHome(home, ws.renderContext(locale));
}

/**
 * A pane as one person sees it. The words of the Slack client around the bot's messages ("only
 * visible to you", "(optional)") are in the person's Slack language, as Slack shows them.
 */
export function paneHtml(ws: Workspace, userId: string, pane: Pane, locale: Locale = ws.localeOf(userId)): Html {
  const channel = paneChannel(userId, pane);
  return channel === null ? homeHtml(ws, userId, locale) : timelineHtml(ws, userId, channel, locale);
}

export function modalHtml(ws: Workspace, userId: string, locale: Locale = ws.localeOf(userId)): Html {
  const top = ws.topModal(userId);
  if (!top) return html``;
  return renderModal(top.view, ws.renderContext(locale), { errors: top.errors, depth: top.depth });
}

function paneTitle(locale: Locale, ws: Workspace, pane: Pane): { title: string; purpose: string } {
  if (pane === 'home') return { title: `Pacesetter · ${t(locale, 'playground.home')}`, purpose: '' };
  if (pane === 'dm') return { title: t(locale, 'playground.dm_with_bot'), purpose: t(locale, 'playground.dms') };
  const c = ws.channels.find((x) => x.id === pane);
  return c
    ? { title: `#${c.name}`, purpose: t(locale, c.purpose.key, c.purpose.params) }
    : { title: pane, purpose: '' };
}

function navItem(href: string, label: string, pane: string, current: boolean): Html {
  return html`<a class="nav-item${current ? ' current' : ''}" href="${href}" data-pane="${pane}">${label}</a>`;
}

export interface PageInput {
  ws: Workspace;
  locale: Locale;
  user: RosterEntry;
  pane: Pane;
  clock: Date;
  jobLog: { at: string; job: string; lines: string[] }[];
}

function query(user: string, pane: string, locale: Locale): string {
  return `/playground?${new URLSearchParams({ user, pane, lang: locale }).toString()}`;
}

/** The whole page, for one person, one pane and one page language. */
export function pageHtml(input: PageInput): Html {
  const { ws, locale, user, pane } = input;
  const userId = user.slackUserId;
  const people = ws.people();
  const groups: { key: MessageKey; people: RosterEntry[] }[] = [
    { key: 'playground.role.secretary', people: people.filter((p) => p.roles.includes('secretary')) },
    {
      key: 'playground.role.leader',
      people: people.filter((p) => !p.roles.includes('secretary') && p.roles.includes('leader')),
    },
    {
      key: 'playground.role.admin',
      people: people.filter(
        (p) => !p.roles.includes('secretary') && !p.roles.includes('leader') && p.roles.includes('admin'),
      ),
    },
    {
      key: 'playground.role.member',
      people: people.filter((p) => !p.roles.some((r) => r === 'secretary' || r === 'leader' || r === 'admin')),
    },
  ];
  const title = paneTitle(locale, ws, pane);
  const main = ws.channels.filter((c) => !c.branchCode);
  const branchChannels = ws.channels.filter((c) => c.branchCode);
  const boot = {
    user: userId,
    pane,
    lang: locale,
    dm: dmChannelOf(userId),
    timezone: ws.timezone,
    minuteFields: MINUTE_FIELDS,
    clock: input.clock.toISOString(),
    commands: ws.commands,
    labels: Object.fromEntries([
      ...(['playground.client.required', 'playground.client.number_range', 'playground.client.no_answer'] as const).map(
        (k) => [k, t(ws.localeOf(userId), k)],
      ),
      ...(
        [
          'playground.composer.commands_only',
          'playground.composer.unknown',
          'playground.job.running',
          'playground.job.failed',
        ] as const
      ).map((k) => [k, t(locale, k)]),
    ]),
    jobs: Object.fromEntries(JOBS.map((j) => [j, jobLabel(locale, j)])),
  };
  // JSON in a script element: `<` written as \u003c so that no text can close the element.
  const bootJson = trustedHtml(JSON.stringify(boot).replace(/</g, '\\u003c'));
  const other: Locale = locale === 'zh-CN' ? 'en' : 'zh-CN';
  const personLocale = ws.localeOf(userId);
  return html`<!doctype html>
    <html lang="${locale}">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${t(locale, 'playground.title')}</title>
        <link rel="stylesheet" href="/playground/static/style.css" />
        <link rel="icon" href="/playground/static/icon.svg" type="image/svg+xml" />
        <script type="module" src="/playground/static/app.js"></script>
      </head>
      <body>
        <header class="topbar">
          <div class="brand"><span class="logo">P</span> ${t(locale, 'playground.title')}</div>
          <form class="clock" id="clock-form" title="${t(locale, 'playground.clock.hint')}">
            <span class="clock-label">${t(locale, 'playground.clock')}</span>
            <output id="clock-now" class="clock-now"></output>
            <input type="datetime-local" id="clock-input" aria-label="${t(locale, 'playground.clock.set')}" step="60" />
            <button type="submit" class="bk-button">${t(locale, 'playground.clock.set')}</button>
          </form>
          <div class="jobs" title="${t(locale, 'playground.jobs.hint')}">
            <span class="jobs-label">${t(locale, 'playground.jobs')}</span>
            ${JOBS.map((j) => html`<button type="button" class="bk-button job-button" data-job="${j}">${jobLabel(locale, j)}</button>`)}
          </div>
          <a
            class="lang-switch"
            href="${query(userId, pane, other)}"
            hreflang="${other}"
            title="${t(locale, 'playground.page_language')}"
            >${other === 'en' ? 'English' : '中文'}</a
          >
        </header>
        <div class="layout">
          <aside class="sidebar">
            <label class="field"
              ><span>${t(locale, 'playground.you_are')}</span>
              <select id="person">
                ${groups
                  .filter((g) => g.people.length > 0)
                  .map(
                    (g) =>
                      html`<optgroup label="${t(locale, g.key)}">
                        ${g.people.map(
                          (p) =>
                            html`<option
                              value="${p.slackUserId}"
                              ${p.slackUserId === userId ? trustedHtml(' selected') : ''}
                            >
                              ${p.name}
                            </option>`,
                        )}
                      </optgroup>`,
                  )}
              </select>
            </label>
            <div class="whoami" id="whoami">${roleWords(locale, user)}</div>
            <label class="field"
              ><span>${t(locale, 'playground.slack_language')}</span>
              <select id="person-locale">
                <option value="zh-CN" ${personLocale === 'zh-CN' ? trustedHtml(' selected') : ''}>中文 (zh-CN)</option>
                <option value="en" ${personLocale === 'en' ? trustedHtml(' selected') : ''}>English (en)</option>
              </select>
            </label>
            <nav class="nav">
              <div class="nav-section">Pacesetter</div>
              ${navItem(query(userId, 'home', locale), t(locale, 'playground.home'), 'home', pane === 'home')}
              ${navItem(query(userId, 'dm', locale), `${t(locale, 'playground.dms')}`, 'dm', pane === 'dm')}
              <div class="nav-section">${t(locale, 'playground.channels')}</div>
              ${main.map((c) => navItem(query(userId, c.id, locale), `# ${c.name}`, c.id, pane === c.id))}
              <div class="nav-section">${t(locale, 'playground.branch_channels')}</div>
              ${branchChannels.map((c) => navItem(query(userId, c.id, locale), `# ${c.name}`, c.id, pane === c.id))}
            </nav>
            <p class="reset-hint">${t(locale, 'playground.reset_hint')}</p>
          </aside>
          <main class="pane">
            <div class="pane-head">
              <h1 id="pane-title">${title.title}</h1>
              <span class="pane-purpose">${title.purpose}</span>
            </div>
            <div class="banner">${t(locale, 'playground.banner')}</div>
            <div class="timeline" id="timeline" data-pane="${pane}">${paneHtml(ws, userId, pane)}</div>
            ${
              pane === 'home'
                ? ''
                : html`<form class="composer" id="composer" autocomplete="off">
                    <input
                      id="composer-input"
                      list="commands"
                      placeholder="${t(locale, 'playground.composer.placeholder')}"
                      aria-label="${t(locale, 'playground.composer.placeholder')}"
                    />
                    <datalist id="commands">
                      ${ws.commands.map((c) => html`<option value="${c.command} ">${c.command} ${c.usageHint} · ${c.description}</option>`)}
                    </datalist>
                    <button type="submit" class="bk-button bk-primary">${t(locale, 'playground.composer.send')}</button>
                    <div class="composer-note" id="composer-note" role="status"></div>
                  </form>`
            }
          </main>
          <aside class="joblog" id="joblog">${jobLogHtml(locale, input.jobLog, ws.timezone)}</aside>
        </div>
        <div class="modal-layer" id="modal-layer">${modalHtml(ws, userId)}</div>
        <script type="application/json" id="boot">
          ${bootJson}
        </script>
      </body>
    </html> `;
}

export function jobLogHtml(
  locale: Locale,
  log: { at: string; job: string; lines: string[] }[],
  timezone: string,
): Html {
  return html`<h2>${t(locale, 'playground.jobs')}</h2>
    ${log
      .slice()
      .reverse()
      .map((e) => {
        const at = minuteFormat(timezone, 'en-CA').format(new Date(e.at));
        return html`<div class="job-entry">
          <div class="job-head"><b>${jobLabel(locale, e.job)}</b> <time>${at}</time></div>
          <pre>${e.lines.join('\n')}</pre>
        </div>`;
      })}`;
}

export type { SlashCommand };
