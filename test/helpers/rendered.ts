import { expect } from 'vitest';
import type { RenderContext } from '../../src/playground/render.js';
import { renderHome, renderMessageContent, renderModal, unsupportedTypes } from '../../src/playground/render.js';

/** The lookups a page would give the renderer: two people, two channels. */
export const renderContext: RenderContext = {
  locale: 'en',
  timezone: 'Asia/Shanghai',
  users: [
    { id: 'U0SEC00001', name: '王建国' },
    { id: 'U0LDR00001', name: '黄卫东' },
  ],
  channels: [
    { id: 'C0NOTICES', name: 'notices' },
    { id: 'C0DIGEST', name: 'digest' },
  ],
  userName: (id) => (id === 'U0SEC00001' ? '王建国' : id === 'U0LDR00001' ? '黄卫东' : null),
  channelName: (id) => (id === 'C0NOTICES' ? 'notices' : id === 'C0DIGEST' ? 'digest' : null),
  fileUrl: (id, name) => `/playground/files/${id}/${encodeURIComponent(name)}`,
};

/** A message or a view (modal, home) as the playground's page draws it. */
export function rendered(payload: { type?: unknown; blocks?: unknown; text?: unknown; attachments?: unknown }): string {
  const p = payload as Record<string, unknown>;
  if (p['type'] === 'modal') return renderModal({ id: 'V1', hash: 'h', view: p }, renderContext).value;
  if (p['type'] === 'home') return renderHome({ id: 'V1', hash: 'h', view: p }, renderContext).value;
  return renderMessageContent(
    {
      ...(typeof p['text'] === 'string' ? { text: p['text'] } : {}),
      ...(Array.isArray(p['blocks']) ? { blocks: p['blocks'] } : {}),
      ...(Array.isArray(p['attachments']) ? { attachments: p['attachments'] } : {}),
    },
    renderContext,
  ).value;
}

/** The tags the renderer makes; anything else in its output came from someone's text. */
export const RENDERER_TAGS = new Set([
  'a', 'b', 'blockquote', 'br', 'button', 'code', 'div', 'footer', 'form', 'h2', 'h3', 'header', 'hr', 'i', 'img',
  'input', 'label', 'li', 'ol', 'optgroup', 'option', 'p', 'pre', 's', 'select', 'span', 'table', 'td', 'textarea',
  'time', 'tr', 'ul',
]); // prettier-ignore

/** Problems of some rendered HTML: a tag the renderer never makes, an event handler attribute, a script URL. */
export function markupProblems(html: string): string[] {
  const problems: string[] = [];
  for (const m of html.matchAll(/<\/?([a-zA-Z][a-zA-Z0-9-]*)/g))
    if (!RENDERER_TAGS.has(m[1]!.toLowerCase())) problems.push(`tag <${m[1]}>`);
  // Attribute values are always quoted and their quotes escaped: outside them, no attribute is an event handler.
  for (const tag of html.matchAll(/<[a-zA-Z][^>]*>/g)) {
    const names = tag[0].replace(/"[^"]*"/g, '""');
    for (const m of names.matchAll(/\s(on[a-z]+)\s*=/gi)) problems.push(`event handler ${m[1]}`);
  }
  for (const m of html.matchAll(/\s(?:href|src)="\s*(javascript|data|vbscript):/gi)) problems.push(`${m[1]}: URL`);
  return problems;
}

/** What the page draws of a payload: no block or element left undrawn, no markup but its own. */
export function expectDrawn(payload: { type?: unknown; blocks?: unknown; text?: unknown }): string {
  const html = rendered(payload);
  expect(unsupportedTypes(html), 'block or element types the playground cannot draw').toEqual([]);
  expect(markupProblems(html)).toEqual([]);
  return html;
}

/**
 * What the playground could not draw, or would draw as markup not its own, of everything the bot
 * sent a fake Slack: messages, ephemerals, response_url answers and views. The e2e suite checks
 * it after each test (closeChecked), so that whatever a command sends, the playground shows.
 */
export function undrawnPayloads(
  calls: readonly { method: string; args: Record<string, unknown>; ok: boolean }[],
): string[] {
  const problems: string[] = [];
  for (const call of calls) {
    let payload: Record<string, unknown> | null = null;
    if (['chat.postMessage', 'chat.postEphemeral', 'chat.update', 'response_url'].includes(call.method))
      payload = call.args;
    else if (call.method.startsWith('views.') && typeof call.args['view'] === 'object' && call.args['view'] !== null)
      payload = call.args['view'] as Record<string, unknown>;
    if (!payload || !call.ok) continue;
    const html = rendered(payload);
    for (const type of unsupportedTypes(html)) problems.push(`${call.method}: undrawn ${type}`);
    for (const problem of markupProblems(html)) problems.push(`${call.method}: ${problem}`);
  }
  return problems;
}
