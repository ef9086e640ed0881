import type { ModalView } from '@slack/types';

/** Block Kit limits (Slack's Block Kit reference): builders cut text to fit rather than have Slack refuse it. */
export const LIMITS = {
  messageBlocks: 50,
  viewBlocks: 100,
  sectionText: 3000,
  headerText: 150,
  buttonText: 75,
  optionText: 75,
  optionValue: 150,
  selectOptions: 100,
  viewTitle: 24,
  privateMetadata: 3000,
  contextElements: 10,
  actionsElements: 25,
} as const;

/** What a person's text may take of a section once escaped: the rest is the template's words around it. */
export const SECTION_TEXT_ROOM = LIMITS.sectionText - 100;

/** Cuts text to `max` characters (code points), ending with an ellipsis when cut. */
export function clip(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

export function plain(text: string, max: number = LIMITS.sectionText) {
  return { type: 'plain_text' as const, text: clip(text, max), emoji: true };
}

export function mrkdwn(text: string, max: number = LIMITS.sectionText) {
  return { type: 'mrkdwn' as const, text: clip(text, max) };
}

/**
 * The one way a person's text (and a name or title from the roster or the plan) enters mrkdwn:
 * Slack reads `&`, `<` and `>` as control characters (`<…>` is a link, a mention, `<!channel>`),
 * so escaped they are shown as typed. *bold*, _italic_ and ~strike~ are left to show as
 * formatting: they cannot link, mention or notify anyone.
 */
export function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** `text` escaped and cut so that the escaped form is at most `max` characters, never inside an entity. */
export function escapeWithin(text: string, max: number): string {
  const escaped = escape(text);
  if (Array.from(escaped).length <= max) return escaped;
  let out = '';
  let length = 0;
  for (const ch of text) {
    const piece = escape(ch);
    const size = piece === ch ? 1 : piece.length;
    if (length + size > max - 1) break;
    out += piece;
    length += size;
  }
  return `${out}…`;
}

const SLACK_USER = /^[UW][A-Z0-9]{2,30}$/;

/** A mention of a Slack user by id; anything that is not a user id is shown as text. */
export function mention(userId: string): string {
  return SLACK_USER.test(userId) ? `<@${userId}>` : escape(userId);
}

/** Labels name the host and the path, shortened, in about this many characters. */
export const LINK_LABEL_MAX = 40;
/** A longer link would crowd a section out; it is shown as its label, not as a link. */
export const LINK_TARGET_MAX = 1800;

/** An http(s) URL, parsed; null for anything else (`javascript:`, `file:`, text). */
function webUrl(text: string): URL | null {
  try {
    const url = new URL(text.trim());
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : null;
  } catch {
    return null;
  }
}

/**
 * A URL as Slack reads it between `<` and `|`: Slack ends the address at the first `|` and the
 * link at the first `>`, so those, `<` and spaces are percent-encoded (what a browser sends
 * anyway) and `&` is written as the entity Slack decodes.
 */
export function linkTarget(href: string): string {
  return href
    .replace(/&/g, '&amp;')
    .replace(/\|/g, '%7C')
    .replace(/</g, '%3C')
    .replace(/>/g, '%3E')
    .replace(/ /g, '%20');
}

/**
 * A path segment as people read it (`通知.pdf`, not `%E9%80%9A%E7%9F%A5.pdf`), unless decoding it
 * would show a space, an invisible character or a character that reads as markup or as a path.
 */
function readableSegment(segment: string): string {
  try {
    const decoded = decodeURIComponent(segment);
    return /[\p{C}\p{Z}/?#%\\|<>&]/u.test(decoded) ? segment : decoded;
  } catch {
    return segment;
  }
}

/**
 * What a link is called: its host and path, shortened to about LINK_LABEL_MAX characters, from the
 * URL alone, so no one can name a link after somewhere it does not go. The host (punycode for an
 * international name) is never cut at its end: `www.gov.cn.evil.example` shows `evil.example`;
 * a path too long keeps its last part.
 */
export function linkLabel(url: URL): string {
  const fullHost = url.port ? `${url.hostname}:${url.port}` : url.hostname;
  // A long host keeps room for a `/…` after it.
  const host = fullHost.length > LINK_LABEL_MAX - 2 ? `…${fullHost.slice(-(LINK_LABEL_MAX - 3))}` : fullHost;
  const path = url.pathname === '/' ? '' : url.pathname.split('/').map(readableSegment).join('/');
  const more = url.search ? '?…' : url.hash ? '#…' : '';
  let label = `${host}${path}${more}`;
  if (Array.from(label).length > LINK_LABEL_MAX) {
    const segments = path.split('/').filter((s) => s !== '');
    const last = segments.at(-1) ?? '';
    const tail = segments.length > 1 ? `/…/${last}${more}` : `/${last}${more}`;
    const room = LINK_LABEL_MAX - Array.from(host).length;
    label = room >= 4 ? `${host}${clip(tail, room)}` : `${host}/…`;
  }
  return linkTarget(label);
}

/**
 * The one way a URL becomes a link in mrkdwn: `<target|label>` with the target encoded for Slack
 * and the label taken from the URL. A stored value that is not an http(s) URL is shown as text.
 */
export function link(url: string): string {
  const parsed = webUrl(url);
  if (!parsed) return escapeWithin(url, 200);
  const target = linkTarget(parsed.href);
  const label = linkLabel(parsed);
  return target.length > LINK_TARGET_MAX ? label : `<${target}|${label}>`;
}

/** A modal's frame: the three titles cut to Slack's 24 characters; no submit button without `submit`. */
export function modal(v: {
  callbackId?: string;
  privateMetadata?: string;
  title: string;
  submit?: string;
  close: string;
  blocks: ModalView['blocks'];
}): ModalView {
  return {
    type: 'modal',
    ...(v.callbackId ? { callback_id: v.callbackId } : {}),
    ...(v.privateMetadata !== undefined ? { private_metadata: v.privateMetadata } : {}),
    title: plain(v.title, LIMITS.viewTitle),
    ...(v.submit !== undefined ? { submit: plain(v.submit, LIMITS.viewTitle) } : {}),
    close: plain(v.close, LIMITS.viewTitle),
    blocks: v.blocks,
  };
}

/** A modal that only says something (a refusal, nothing to do), with a close button. */
export function messageModal(title: string, text: string, closeLabel: string): ModalView {
  return modal({ title, close: closeLabel, blocks: [{ type: 'section', text: mrkdwn(text) }] });
}
