/**
 * Slack's mrkdwn as HTML, for the playground's page. Slack reads `<…>` as a link, a mention or a
 * special command, and `&amp;`, `&lt;`, `&gt;` as the characters; everything else is text, with
 * *bold*, _italic_, ~strike~, `code`, ```pre``` and `>` quotes. The result is built from escaped
 * text only: what a person wrote (already escaped by the bot) shows as they wrote it.
 */
import { escapeHtml, html, htmlUrl, trustedHtml, type Html } from '../ui/html.js';

export interface MentionNames {
  userName(id: string): string | null;
  channelName(id: string): string | null;
}

/** The three entities Slack decodes, and no others (a stray `&quot;` stays as typed). */
export function decodeSlackEntities(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** The emoji shortcodes people and Slack's own texts use most; others are left as typed. */
const EMOJI: Record<string, string> = {
  white_check_mark: '✅',
  heavy_check_mark: '✔️',
  x: '❌',
  warning: '⚠️',
  hourglass: '⌛',
  hourglass_flowing_sand: '⏳',
  memo: '📝',
  bar_chart: '📊',
  chart_with_upwards_trend: '📈',
  calendar: '📆',
  date: '📅',
  bell: '🔔',
  trophy: '🏆',
  star: '⭐',
  tada: '🎉',
  thumbsup: '👍',
  '+1': '👍',
  eyes: '👀',
  clipboard: '📋',
  pushpin: '📌',
  rotating_light: '🚨',
  red_circle: '🔴',
  large_green_circle: '🟢',
  large_yellow_circle: '🟡',
  information_source: 'ℹ️',
  page_facing_up: '📄',
  paperclip: '📎',
  link: '🔗',
};

/** Known emoji shortcodes as the characters they stand for. */
export function emojify(escaped: string): string {
  return escaped.replace(/:([a-z0-9_+-]{1,40}):/g, (whole, name: string) => EMOJI[name] ?? whole);
}

// Placeholders for markup made here (private-use characters): stripped from the text first, so
// that none can come from it.
const OPEN = '\ue000';
const CLOSE = '\ue001';
const PLACEHOLDERS = /[\ue000\ue001]/g;

/** One `<…>` sequence of Slack's, as HTML. */
function special(inner: string, names: MentionNames): string {
  const [target = '', ...rest] = inner.split('|');
  const label = rest.length > 0 ? rest.join('|') : null;
  if (target.startsWith('@')) {
    const id = target.slice(1);
    const name = names.userName(id) ?? (label ? decodeSlackEntities(label) : id);
    return html`<span class="bk-mention" data-user="${id}">@${name}</span>`.value;
  }
  if (target.startsWith('#')) {
    const id = target.slice(1);
    const name = names.channelName(id) ?? (label ? decodeSlackEntities(label) : id);
    return html`<span class="bk-mention bk-channel-mention">#${name}</span>`.value;
  }
  if (target.startsWith('!')) {
    const command = target.slice(1);
    if (command === 'here' || command === 'channel' || command === 'everyone')
      return html`<span class="bk-mention">@${command}</span>`.value;
    if (command.startsWith('subteam^'))
      return html`<span class="bk-mention">${label ? decodeSlackEntities(label) : '@group'}</span>`.value;
    if (command.startsWith('date^')) {
      const seconds = Number(command.split('^')[1]);
      const fallback = label ? decodeSlackEntities(label) : null;
      const shown = fallback ?? (Number.isFinite(seconds) ? new Date(seconds * 1000).toISOString().slice(0, 16) : '');
      return html`<time>${shown}</time>`.value;
    }
    return escapeHtml(label ? decodeSlackEntities(label) : '');
  }
  const url = decodeSlackEntities(target);
  const shown = label === null ? url : decodeSlackEntities(label);
  if (/^mailto:/i.test(url)) return html`<a href="${url}">${shown}</a>`.value;
  const href = htmlUrl(url);
  // Anything Slack would not link (no http(s) scheme) is shown as its text, never as a link.
  if (href === '#') return escapeHtml(shown);
  return `<a href="${href}" target="_blank" rel="noopener noreferrer">${escapeHtml(shown)}</a>`;
}

/** Bold, italic and strike between markers that open after and close before a non-word character. */
function formatting(escaped: string): string {
  const around = (marker: string, tag: string) => {
    const m = marker === '*' ? '\\*' : marker;
    const re = new RegExp(`(^|[^A-Za-z0-9${m}])${m}(?=\\S)([^${m}\\n]*?\\S)${m}(?![A-Za-z0-9${m}])`, 'g');
    return (s: string) => s.replace(re, (_w, before: string, inner: string) => `${before}<${tag}>${inner}</${tag}>`);
  };
  return [around('*', 'b'), around('_', 'i'), around('~', 's')].reduce((s, f) => f(s), escaped);
}

/** Inline mrkdwn (no code fences) as HTML. */
function inline(text: string, names: MentionNames): string {
  const made: string[] = [];
  const keep = (markup: string) => `${OPEN}${made.push(markup) - 1}${CLOSE}`;
  let s = text.replace(/`([^`\n]+)`/g, (_w, code: string) =>
    keep(html`<code>${decodeSlackEntities(code)}</code>`.value),
  );
  s = s.replace(/<([^<>\n]+)>/g, (_w, inner: string) => keep(special(inner, names)));
  s = formatting(emojify(escapeHtml(decodeSlackEntities(s))));
  return s.replace(new RegExp(`${OPEN}(\\d+)${CLOSE}`, 'g'), (_w, i: string) => made[Number(i)] ?? '');
}

/** Lines of inline text: `>` quotes grouped, line breaks kept. */
function lines(text: string, names: MentionNames): string {
  const out: string[] = [];
  let quote: string[] = [];
  const flush = () => {
    if (quote.length > 0) out.push(`<blockquote>${quote.join('<br>')}</blockquote>`);
    quote = [];
  };
  for (const line of text.split('\n')) {
    const q = /^(?:&gt;|>)\s?(.*)$/.exec(line);
    if (q) quote.push(inline(q[1] ?? '', names));
    else {
      flush();
      out.push(`${inline(line, names)}<br>`);
    }
  }
  flush();
  return out.join('').replace(/<br>$/, '');
}

/** A mrkdwn text as HTML. */
export function mrkdwnToHtml(text: string, names: MentionNames): Html {
  const clean = text.replace(PLACEHOLDERS, '');
  const parts = clean.split('```');
  const out = parts.map((part, i) =>
    i % 2 === 1 && i < parts.length - 1
      ? html`<pre>${decodeSlackEntities(part.replace(/^\n/, ''))}</pre>`.value
      : lines(part, names),
  );
  return trustedHtml(out.join(''));
}

/** A plain_text text as HTML: escaped, with emoji shortcodes when it asks for them and line breaks. */
export function plainToHtml(text: string, emoji = true): Html {
  const escaped = escapeHtml(text);
  return trustedHtml((emoji ? emojify(escaped) : escaped).replace(/\n/g, '<br>'));
}
