/**
 * What Slack would make of rendered mrkdwn, for tests that feed people's text through the bot.
 * Slack reads `&`, `<` and `>` as control characters: `<…>` is a link, a mention (`<@U…>`,
 * `<#C…>`) or a special command (`<!channel>`), and `&amp;`, `&lt;`, `&gt;` are the only
 * entities it decodes. Text a person wrote is inert when none of that survives from it.
 */

/** Text written by people (and read from the roster or a plan) that must never become markup. */
export const HOSTILE =
  'a|b > c < d & e <!channel> <!here> <@U0LDR00001> <#C123> <https://evil.example|gov.cn> *bold* _x_';

/** Evidence that, unescaped, shows as a gov.cn link and goes to evil.example. */
export const EVIL_LINK = 'https://evil.example/x|https://www.gov.cn/notice>';

/** The text a reader sees: the three entities decoded. */
export function shown(mrkdwn: string): string {
  return mrkdwn.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** Every mrkdwn text of a payload: text objects of type mrkdwn, wherever they are nested. */
export function mrkdwnTexts(payload: unknown): string[] {
  const found: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (node === null || typeof node !== 'object') return;
    const obj = node as Record<string, unknown>;
    if (obj.type === 'mrkdwn' && typeof obj.text === 'string') found.push(obj.text);
    for (const value of Object.values(obj)) walk(value);
  };
  walk(payload);
  return found;
}

/** The mrkdwn texts of a message: its top-level `text` (mrkdwn by default) and its blocks. */
export function messageTexts(message: { text?: unknown; blocks?: unknown }): string[] {
  return [...(typeof message.text === 'string' ? [message.text] : []), ...mrkdwnTexts(message.blocks ?? [])];
}

/**
 * A link is honest when its label names where it goes: it starts with the target's host (after
 * its scheme, or the end of a long host after `…`), and every piece of it between ellipses is
 * part of the target.
 */
function linkProblem(target: string, label: string | undefined): string | null {
  let url: URL;
  try {
    url = new URL(target.replace(/&amp;/g, '&'));
  } catch {
    return `a link to something that is not a URL: <${target}>`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `a link that is not http(s): <${target}>`;
  if (/[\s<>|]/.test(target)) return `a link target with a space, | or angle bracket left in it: <${target}>`;
  if (label === undefined) return null;
  const host = url.hostname;
  label = label.replace(/^https?:\/\//i, '');
  const startsWithHost =
    label.startsWith(host) || (label.startsWith('…') && host.endsWith(label.slice(1).split('/')[0]!));
  if (!startsWithHost) return `a link labelled "${label}" that goes to ${host}`;
  const pieces = label
    .split('…')
    .map((p) => p.replace(/^[/?#]+|[/?#]+$/g, ''))
    .filter((p) => p !== '');
  let readable = target;
  try {
    readable = decodeURIComponent(target);
  } catch {
    // A target with a lone % is compared as it is.
  }
  const stray = pieces.find((p) => !target.includes(p) && !readable.includes(p));
  return stray === undefined ? null : `a link label with "${stray}", which is not in its target <${target}>`;
}

/**
 * What in a mrkdwn text would not be shown as the plain text a person wrote: a raw `&` (an
 * entity someone typed would be decoded), a `<…>` sequence other than the `allowed` ones and
 * honest links, and a stray `<` or `>`.
 */
export function markupProblems(text: string, allowed: readonly string[] = []): string[] {
  const problems: string[] = [];
  for (const m of text.matchAll(/&(?!amp;|lt;|gt;)/g))
    problems.push(`a raw & at ${m.index}: …${text.slice(m.index, m.index + 20)}`);
  const rest = text.replace(/<([^<>]*)>/g, (whole, inner: string) => {
    if (/^https?:\/\//i.test(inner)) {
      const bar = inner.indexOf('|');
      const problem = bar < 0 ? linkProblem(inner, undefined) : linkProblem(inner.slice(0, bar), inner.slice(bar + 1));
      if (problem) problems.push(problem);
    } else if (!allowed.includes(whole)) problems.push(`a live ${whole}`);
    return '';
  });
  if (/[<>]/.test(rest)) problems.push(`a stray angle bracket in: ${rest.slice(0, 200)}`);
  return problems;
}

/** The problems of every mrkdwn text of a payload, each with the text it was found in. */
export function payloadProblems(texts: readonly string[], allowed: readonly string[] = []): string[] {
  return texts.flatMap((text) => markupProblems(text, allowed).map((p) => `${p}\n    in: ${text.slice(0, 300)}`));
}
