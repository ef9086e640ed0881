/**
 * Block Kit as HTML, for the playground's page: every block and element type Slack documents,
 * built from the payload alone (never per builder of ours), so that what any command sends is
 * drawn. All text goes through src/ui/html.ts: what people wrote shows as text, never as markup.
 * Interactive elements carry `data-block`/`data-action`/`data-type`, by which the page tells the
 * server what was pressed; the server finds the element again in what the bot sent.
 */
import { t, type Locale, type MessageKey } from '../i18n/index.js';
import { choiceInput, escapeHtml, html, htmlUrl, trustedHtml, type Html } from '../ui/html.js';
import { actionIdOf, blockIdOf, isRecord } from './block-ids.js';
import { decodeSlackEntities, mrkdwnToHtml, plainToHtml, type MentionNames } from './mrkdwn.js';
import { minuteFormat } from '../ui/minute-format.js';

type Json = Record<string, unknown>;

export interface RenderContext extends MentionNames {
  /** The page's language, for the words of the Slack client itself. */
  locale: Locale;
  /** Who users_select offers, and channels conversations_select and channels_select offer. */
  users: readonly { id: string; name: string }[];
  channels: readonly { id: string; name: string }[];
  timezone: string;
  /** Where the page downloads a Slack file from. */
  fileUrl(fileId: string, filename: string): string;
}

/** The attribute an unsupported block or element is marked with; a test looks for it. */
export const UNSUPPORTED_ATTRIBUTE = 'data-unsupported';

/** The types marked unsupported in some HTML this module made. */
export function unsupportedTypes(markup: Html | string): string[] {
  const text = typeof markup === 'string' ? markup : markup.value;
  return [...text.matchAll(new RegExp(`${UNSUPPORTED_ATTRIBUTE}="([^"]*)"`, 'g'))].map((m) => m[1] ?? '');
}

function label(ctx: RenderContext, key: MessageKey, params?: Record<string, string | number>): string {
  return t(ctx.locale, key, params);
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function records(value: unknown): Json[] {
  return Array.isArray(value) ? value.filter(isRecord) : [];
}

/** A text object (mrkdwn or plain_text). */
export function textObject(value: unknown, ctx: RenderContext): Html {
  if (!isRecord(value)) return trustedHtml('');
  const text = str(value['text']) ?? '';
  return value['type'] === 'mrkdwn' ? mrkdwnToHtml(text, ctx) : plainToHtml(text, value['emoji'] !== false);
}

/** A text object as the plain words it shows (for an `<option>`, which holds no markup). */
function textWords(value: unknown): string {
  if (!isRecord(value)) return '';
  const text = str(value['text']) ?? '';
  return value['type'] === 'mrkdwn' ? decodeSlackEntities(text) : text;
}

function unsupported(ctx: RenderContext, what: 'block' | 'element', type: string): Html {
  const key = what === 'block' ? 'playground.client.unsupported_block' : 'playground.client.unsupported_element';
  return html`<div class="bk-unsupported" data-unsupported="${type}">${label(ctx, key, { type })}</div>`;
}

// ---- Elements ---------------------------------------------------------------

interface ElementIds {
  blockId: string;
  actionId: string;
  /** Where it sits: in an input block its changes are kept for the submission (unless dispatch_action). */
  place: 'actions' | 'accessory' | 'input' | 'context';
  dispatch?: boolean;
}

function dataAttrs(ids: ElementIds, type: string): Html {
  return html`data-block="${ids.blockId}" data-action="${ids.actionId}" data-type="${type}"
  data-place="${ids.place}"${ids.dispatch ? trustedHtml(' data-dispatch="1"') : ''}`;
}

function confirmDialog(value: unknown, ctx: RenderContext): Html {
  if (!isRecord(value)) return trustedHtml('');
  return html`<div class="bk-confirm" hidden>
    <div class="bk-confirm-box" role="dialog">
      <h3>${textObject(value['title'], ctx)}</h3>
      <div class="bk-confirm-text">${textObject(value['text'], ctx)}</div>
      <div class="bk-confirm-buttons">
        <button type="button" class="bk-button" data-confirm="no">${textObject(value['deny'], ctx)}</button>
        <button
          type="button"
          class="bk-button ${value['style'] === 'danger' ? 'bk-danger' : 'bk-primary'}"
          data-confirm="yes"
        >
          ${textObject(value['confirm'], ctx)}
        </button>
      </div>
    </div>
  </div>`;
}

function optionValue(option: Json): string {
  return str(option['value']) ?? '';
}

function selectOptions(el: Json, selected: Set<string>): Html {
  const one = (o: Json) =>
    html`<option value="${optionValue(o)}" ${selected.has(optionValue(o)) ? trustedHtml(' selected') : ''}>
      ${textWords(o['text'])}
    </option>`;
  const groups = records(el['option_groups']);
  if (groups.length > 0)
    return html`${groups.map(
      (g) => html`<optgroup label="${textWords(g['label'])}">${records(g['options']).map(one)}</optgroup>`,
    )}`;
  return html`${records(el['options']).map(one)}`;
}

function initialValues(el: Json, single: string, multi: string): Set<string> {
  const values = new Set<string>();
  const one = el[single];
  if (isRecord(one)) values.add(optionValue(one));
  else if (typeof one === 'string') values.add(one);
  for (const v of Array.isArray(el[multi]) ? el[multi] : []) {
    if (isRecord(v)) values.add(optionValue(v));
    else if (typeof v === 'string') values.add(v);
  }
  return values;
}

function select(el: Json, type: string, ids: ElementIds, ctx: RenderContext): Html {
  const multi = type.startsWith('multi_');
  const base = type.replace(/^multi_/, '');
  const placeholder = isRecord(el['placeholder'])
    ? textWords(el['placeholder'])
    : label(ctx, 'playground.client.choose');
  let options: Html;
  if (base === 'static_select' || base === 'external_select') {
    const selected = initialValues(el, 'initial_option', 'initial_options');
    options = selectOptions(el, selected);
    // An external select's options come from the app as the person types; only the initial ones are known here.
    if (base === 'external_select')
      options = html`${[el['initial_option'], ...(Array.isArray(el['initial_options']) ? el['initial_options'] : [])]
        .filter(isRecord)
        .map((o) => html`<option value="${optionValue(o)}" selected>${textWords(o['text'])}</option>`)}`;
  } else if (base === 'users_select') {
    const selected = initialValues(el, 'initial_user', 'initial_users');
    options = html`${ctx.users.map(
      (u) => html`<option value="${u.id}" ${selected.has(u.id) ? trustedHtml(' selected') : ''}>${u.name}</option>`,
    )}`;
  } else {
    const selected =
      base === 'conversations_select'
        ? initialValues(el, 'initial_conversation', 'initial_conversations')
        : initialValues(el, 'initial_channel', 'initial_channels');
    options = html`${ctx.channels.map(
      (c) => html`<option value="${c.id}" ${selected.has(c.id) ? trustedHtml(' selected') : ''}>#${c.name}</option>`,
    )}`;
  }
  const empty = multi ? trustedHtml('') : html`<option value="">${placeholder}</option>`;
  return html`<span class="bk-el bk-select-wrap"
    ><select
      class="bk-select"
      ${dataAttrs(ids, type)}${multi ? trustedHtml(' multiple') : ''}
      aria-label="${placeholder}"
    >
      ${empty}${options}</select
    >${confirmDialog(el['confirm'], ctx)}</span
  >`;
}

/** A date, time or date-and-time element as the browser's own picker, showing its initial value. */
function pickerInput(kind: 'date' | 'time' | 'datetime-local', ids: ElementIds, type: string, initial: string): Html {
  return html`<input class="bk-el bk-date" type="${kind}" ${dataAttrs(ids, type)} value="${initial}" />`;
}

function choiceList(el: Json, type: 'checkboxes' | 'radio_buttons', ids: ElementIds, ctx: RenderContext): Html {
  const selected = initialValues(el, 'initial_option', 'initial_options');
  const inputType = type === 'checkboxes' ? 'checkbox' : 'radio';
  const name = `${ids.blockId}/${ids.actionId}`;
  return html`<div class="bk-el bk-choices" ${dataAttrs(ids, type)}>
    ${records(el['options']).map(
      (o) =>
        html`<label class="bk-choice"
          >${choiceInput({ type: inputType, name, value: optionValue(o), checked: selected.has(optionValue(o)) })}<span
            ><span class="bk-choice-text">${textObject(o['text'], ctx)}</span>${
              isRecord(o['description'])
                ? html`<span class="bk-choice-description">${textObject(o['description'], ctx)}</span>`
                : ''
            }</span
          ></label
        >`,
    )}
  </div>`;
}

/** A time Slack gives in epoch seconds, as `YYYY-MM-DDTHH:mm` in the workspace's timezone. */
export function localInputTime(seconds: number, timezone: string): string {
  const parts = Object.fromEntries(
    minuteFormat(timezone, 'en-CA')
      .formatToParts(new Date(seconds * 1000))
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
}

function richTextPlain(value: unknown): string {
  const words: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!isRecord(node)) return;
    if (typeof node['text'] === 'string') words.push(node['text']);
    if (typeof node['url'] === 'string' && typeof node['text'] !== 'string') words.push(node['url']);
    walk(node['elements']);
  };
  walk(value);
  return words.join('');
}

function textInput(el: Json, type: string, ids: ElementIds): Html {
  const placeholder = isRecord(el['placeholder']) ? textWords(el['placeholder']) : '';
  const initial = type === 'rich_text_input' ? richTextPlain(el['initial_value']) : (str(el['initial_value']) ?? '');
  const lengths = html`${typeof el['max_length'] === 'number' ? html` maxlength="${el['max_length']}"` : ''}${
    typeof el['min_length'] === 'number' ? html` minlength="${el['min_length']}"` : ''
  }`;
  if ((type === 'plain_text_input' && el['multiline'] === true) || type === 'rich_text_input')
    return html`<textarea
      class="bk-el bk-text-input"
      rows="4"
      ${dataAttrs(ids, type)}
      placeholder="${placeholder}"
      ${lengths}
    >
${initial}</textarea>`;
  if (type === 'number_input') {
    const decimal = el['is_decimal_allowed'] === true;
    return html`<input
      class="bk-el bk-text-input"
      type="number"
      step="${decimal ? 'any' : '1'}"
      ${
        str(el['min_value']) !== undefined ? html` min="${str(el['min_value'])}"` : ''
      }${str(el['max_value']) !== undefined ? html` max="${str(el['max_value'])}"` : ''}
      ${dataAttrs(ids, type)}
      placeholder="${placeholder}"
      value="${initial}"
    />`;
  }
  const inputType = type === 'email_text_input' ? 'email' : type === 'url_text_input' ? 'url' : 'text';
  return html`<input
    class="bk-el bk-text-input"
    type="${inputType}"
    ${dataAttrs(ids, type)}
    placeholder="${placeholder}"
    value="${initial}"
    ${lengths}
  />`;
}

/** One element of a block: an accessory, a member of an actions block, an input's element. */
export function renderElement(value: unknown, ids: ElementIds, ctx: RenderContext): Html {
  if (!isRecord(value)) return unsupported(ctx, 'element', 'not an object');
  const el = value;
  const type = str(el['type']) ?? '';
  switch (type) {
    case 'button':
    case 'workflow_button': {
      const style = el['style'] === 'primary' ? 'bk-primary' : el['style'] === 'danger' ? 'bk-danger' : '';
      const url = str(el['url']);
      return html`<span class="bk-el"
        ><button
          type="button"
          class="bk-button ${style}"
          ${dataAttrs(ids, type)}${url ? html` data-url="${htmlUrl(url) === '#' ? '' : url}"` : ''}
        >
          ${textObject(el['text'], ctx)}</button
        >${confirmDialog(el['confirm'], ctx)}</span
      >`;
    }
    case 'overflow':
      return html`<span class="bk-el bk-overflow" ${dataAttrs(ids, type)}
        ><button type="button" class="bk-button bk-overflow-button" aria-label="⋯">⋯</button
        ><span class="bk-overflow-menu" hidden
          >${records(el['options']).map(
            (o) =>
              html`<button type="button" class="bk-overflow-option" data-value="${optionValue(o)}">
                ${textObject(o['text'], ctx)}
              </button>`,
          )}</span
        >${confirmDialog(el['confirm'], ctx)}</span
      >`;
    case 'static_select':
    case 'multi_static_select':
    case 'external_select':
    case 'multi_external_select':
    case 'users_select':
    case 'multi_users_select':
    case 'conversations_select':
    case 'multi_conversations_select':
    case 'channels_select':
    case 'multi_channels_select':
      return select(el, type, ids, ctx);
    case 'checkboxes':
    case 'radio_buttons':
      return choiceList(el, type, ids, ctx);
    case 'datepicker':
      return pickerInput('date', ids, type, str(el['initial_date']) ?? '');
    case 'timepicker':
      return pickerInput('time', ids, type, str(el['initial_time']) ?? '');
    case 'datetimepicker':
      return pickerInput(
        'datetime-local',
        ids,
        type,
        typeof el['initial_date_time'] === 'number' ? localInputTime(el['initial_date_time'], ctx.timezone) : '',
      );
    case 'plain_text_input':
    case 'number_input':
    case 'email_text_input':
    case 'url_text_input':
    case 'rich_text_input':
      return textInput(el, type, ids);
    case 'file_input': {
      const max = typeof el['max_files'] === 'number' ? el['max_files'] : 10;
      const types = Array.isArray(el['filetypes']) ? el['filetypes'].filter((f) => typeof f === 'string') : [];
      return html`<span class="bk-el bk-file-input" ${dataAttrs(ids, type)} data-max-files="${max}"
        ><input
          type="file"
          ${
            max > 1 ? trustedHtml(' multiple') : ''
          }${types.length > 0 ? html` accept="${types.map((f) => `.${f}`).join(',')}"` : ''} /><span
          class="bk-files"
        ></span
      ></span>`;
    }
    case 'image':
      return imageElement(el, ctx);
    default:
      return unsupported(ctx, 'element', type || 'no type');
  }
}

function imageSource(el: Json, ctx: RenderContext): string {
  const url = str(el['image_url']);
  if (url) return htmlUrl(url);
  const file = el['slack_file'];
  if (isRecord(file)) {
    const id = str(file['id']);
    if (id) return escapeHtml(ctx.fileUrl(id, 'image'));
    const fileUrl = str(file['url']);
    if (fileUrl) return htmlUrl(fileUrl);
  }
  return '#';
}

function imageElement(el: Json, ctx: RenderContext): Html {
  return html`<img
    class="bk-el bk-image-element"
    src="${trustedHtml(imageSource(el, ctx))}"
    alt="${str(el['alt_text']) ?? ''}"
    loading="lazy"
  />`;
}

// ---- Rich text -----------------------------------------------------------------

function richInline(node: Json, ctx: RenderContext): Html {
  const style = isRecord(node['style']) ? node['style'] : {};
  const wrap = (inner: Html): Html => {
    let out = inner;
    if (style['code'] === true) out = html`<code>${out}</code>`;
    if (style['bold'] === true) out = html`<b>${out}</b>`;
    if (style['italic'] === true) out = html`<i>${out}</i>`;
    if (style['strike'] === true) out = html`<s>${out}</s>`;
    return out;
  };
  switch (node['type']) {
    case 'text':
      return wrap(plainToHtml(str(node['text']) ?? '', false));
    case 'link': {
      const url = str(node['url']) ?? '';
      const href = htmlUrl(url);
      const words = str(node['text']) ?? url;
      return href === '#'
        ? wrap(plainToHtml(words, false))
        : wrap(html`<a href="${trustedHtml(href)}" target="_blank" rel="noopener noreferrer">${words}</a>`);
    }
    case 'user': {
      const id = str(node['user_id']) ?? '';
      return wrap(html`<span class="bk-mention">@${ctx.userName(id) ?? id}</span>`);
    }
    case 'channel': {
      const id = str(node['channel_id']) ?? '';
      return wrap(html`<span class="bk-mention">#${ctx.channelName(id) ?? id}</span>`);
    }
    case 'usergroup':
      return wrap(html`<span class="bk-mention">@${str(node['usergroup_id']) ?? ''}</span>`);
    case 'broadcast':
      return wrap(html`<span class="bk-mention">@${str(node['range']) ?? 'here'}</span>`);
    case 'emoji': {
      const unicode = str(node['unicode']);
      const shown = unicode
        ? unicode
            .split('-')
            .map((h) => String.fromCodePoint(parseInt(h, 16)))
            .join('')
        : `:${str(node['name']) ?? ''}:`;
      return html`${shown}`;
    }
    case 'date': {
      const fallback = str(node['fallback']);
      const seconds = typeof node['timestamp'] === 'number' ? node['timestamp'] : NaN;
      return html`<time
        >${fallback ?? (Number.isFinite(seconds) ? localInputTime(seconds, ctx.timezone).replace('T', ' ') : '')}</time
      >`;
    }
    case 'team':
      return html`<span class="bk-mention">${str(node['team_id']) ?? ''}</span>`;
    default:
      return unsupported(ctx, 'element', `rich_text ${String(node['type'])}`);
  }
}

function richElements(nodes: unknown, ctx: RenderContext): Html {
  return html`${records(nodes).map((n) => richInline(n, ctx))}`;
}

function richBlockPart(node: Json, ctx: RenderContext): Html {
  switch (node['type']) {
    case 'rich_text_section':
      return html`<div class="bk-rich-section">${richElements(node['elements'], ctx)}</div>`;
    case 'rich_text_preformatted':
      return html`<pre>${richElements(node['elements'], ctx)}</pre>`;
    case 'rich_text_quote':
      return html`<blockquote>${richElements(node['elements'], ctx)}</blockquote>`;
    case 'rich_text_list': {
      const items = records(node['elements']).map((item) => html`<li>${richElements(item['elements'], ctx)}</li>`);
      return node['style'] === 'ordered'
        ? html`<ol>
            ${items}
          </ol>`
        : html`<ul>
            ${items}
          </ul>`;
    }
    default:
      return unsupported(ctx, 'element', `rich_text ${String(node['type'])}`);
  }
}

// ---- Markdown block (standard markdown, not mrkdwn) ----------------------------------

function markdownInline(text: string): string {
  const made: string[] = [];
  const keep = (markup: string) => `\ue000${made.push(markup) - 1}\ue001`;
  let s = text
    .replace(/[\ue000\ue001]/g, '')
    .replace(/`([^`]+)`/g, (_w, code: string) => keep(html`<code>${code}</code>`.value));
  s = s.replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, (_w, words: string, url: string) => {
    const href = htmlUrl(url);
    return keep(
      href === '#'
        ? html`${words}`.value
        : html`<a href="${trustedHtml(href)}" target="_blank" rel="noopener noreferrer">${words}</a>`.value,
    );
  });
  s = html`${s}`.value
    .replace(/\*\*([^*]+)\*\*/g, '<b>$1</b>')
    .replace(/(^|[^*])\*([^*]+)\*/g, '$1<i>$2</i>')
    .replace(/~~([^~]+)~~/g, '<s>$1</s>');
  return s.replace(/\ue000(\d+)\ue001/g, (_w, i: string) => made[Number(i)] ?? '');
}

function markdownToHtml(text: string): Html {
  const out: string[] = [];
  let list: string[] = [];
  const flush = () => {
    if (list.length > 0) out.push(`<ul>${list.join('')}</ul>`);
    list = [];
  };
  for (const line of text.split('\n')) {
    const item = /^\s*[-*+]\s+(.*)$/.exec(line);
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    if (item) {
      list.push(`<li>${markdownInline(item[1] ?? '')}</li>`);
      continue;
    }
    flush();
    if (heading) out.push(`<div class="bk-md-heading">${markdownInline(heading[2] ?? '')}</div>`);
    else if (line.trim() !== '') out.push(`<p>${markdownInline(line)}</p>`);
  }
  flush();
  return trustedHtml(out.join(''));
}

// ---- Blocks ----------------------------------------------------------------------

export interface BlocksOptions {
  /** Inline errors of a modal's inputs, by block_id (response_action: errors). */
  errors?: Record<string, string>;
}

function renderBlock(block: Json, index: number, ctx: RenderContext, opts: BlocksOptions): Html {
  const type = str(block['type']) ?? '';
  const blockId = blockIdOf(block, index);
  const frame = (cls: string, inner: Html | string) =>
    html`<div class="bk-block ${cls}" data-block-id="${blockId}">${inner}</div>`;
  switch (type) {
    case 'section': {
      const fields = records(block['fields']);
      const accessory = block['accessory'];
      return frame(
        'bk-section',
        html`<div class="bk-section-body">
            ${block['text'] !== undefined ? html`<div class="bk-text">${textObject(block['text'], ctx)}</div>` : ''}${
              fields.length > 0
                ? html`<div class="bk-fields">
                    ${fields.map((f) => html`<div class="bk-field">${textObject(f, ctx)}</div>`)}
                  </div>`
                : ''
            }
          </div>
          ${
            isRecord(accessory)
              ? html`<div class="bk-accessory">
                  ${
                    accessory['type'] === 'image'
                      ? imageElement(accessory, ctx)
                      : renderElement(
                          accessory,
                          { blockId, actionId: actionIdOf(accessory, 0), place: 'accessory' },
                          ctx,
                        )
                  }
                </div>`
              : ''
          }`,
      );
    }
    case 'header':
      return frame('bk-header', textObject(block['text'], ctx));
    case 'divider':
      return frame('bk-divider', html`<hr />`);
    case 'context':
      return frame(
        'bk-context',
        html`${records(block['elements']).map((el) =>
          el['type'] === 'image'
            ? imageElement(el, ctx)
            : el['type'] === 'mrkdwn' || el['type'] === 'plain_text'
              ? html`<span class="bk-context-text">${textObject(el, ctx)}</span>`
              : unsupported(ctx, 'element', str(el['type']) ?? 'no type'),
        )}`,
      );
    case 'actions':
      return frame(
        'bk-actions',
        html`${records(block['elements']).map((el, j) =>
          renderElement(el, { blockId, actionId: actionIdOf(el, j), place: 'actions' }, ctx),
        )}`,
      );
    case 'context_actions':
      return frame(
        'bk-actions bk-context-actions',
        html`${records(block['elements']).map((el, j) => {
          const ids: ElementIds = { blockId, actionId: actionIdOf(el, j), place: 'actions' };
          if (el['type'] === 'feedback_buttons')
            return html`${[el['positive_button'], el['negative_button']]
              .filter(isRecord)
              .map((b) => renderElement({ ...b, type: 'button', action_id: ids.actionId }, ids, ctx))}`;
          if (el['type'] === 'icon_button')
            return renderElement(
              { type: 'button', text: el['text'], value: el['value'], action_id: ids.actionId },
              ids,
              ctx,
            );
          return renderElement(el, ids, ctx);
        })}`,
      );
    case 'input': {
      const element = isRecord(block['element']) ? block['element'] : {};
      const optional = block['optional'] === true;
      const error = opts.errors?.[blockId];
      const ids: ElementIds = {
        blockId,
        actionId: actionIdOf(element, 0),
        place: 'input',
        dispatch: block['dispatch_action'] === true,
      };
      return html`<div
        class="bk-block bk-input${error ? ' bk-has-error' : ''}"
        data-block-id="${blockId}"
        ${optional ? '' : trustedHtml(' data-required="1"')}
      >
        <label class="bk-label"
          >${textObject(block['label'], ctx)}${
            optional ? html` <span class="bk-optional">${label(ctx, 'playground.client.optional')}</span>` : ''
          }</label
        >${renderElement(element, ids, ctx)}${
          isRecord(block['hint']) ? html`<div class="bk-hint">${textObject(block['hint'], ctx)}</div>` : ''
        }
        <div class="bk-error" role="alert">${error ?? ''}</div>
      </div>`;
    }
    case 'image':
      return frame(
        'bk-image',
        html`${isRecord(block['title']) ? html`<div class="bk-image-title">${textObject(block['title'], ctx)}</div>` : ''}<img
            src="${trustedHtml(imageSource(block, ctx))}"
            alt="${str(block['alt_text']) ?? ''}"
            loading="lazy"
          />`,
      );
    case 'rich_text':
      return frame('bk-rich-text', html`${records(block['elements']).map((n) => richBlockPart(n, ctx))}`);
    case 'markdown':
      return frame('bk-markdown', markdownToHtml(str(block['text']) ?? ''));
    case 'file':
      return frame(
        'bk-file',
        html`<span class="bk-file-name">📄 ${str(block['external_id']) ?? str(block['source']) ?? ''}</span>`,
      );
    case 'video': {
      const title = textObject(block['title'], ctx);
      const url = str(block['title_url']) ?? str(block['video_url']) ?? '';
      const href = htmlUrl(url);
      return frame(
        'bk-video',
        html`<img
            src="${trustedHtml(htmlUrl(str(block['thumbnail_url']) ?? ''))}"
            alt="${str(block['alt_text']) ?? ''}"
            loading="lazy"
          />
          <div>
            ${
              href === '#'
                ? title
                : html`<a href="${trustedHtml(href)}" target="_blank" rel="noopener noreferrer">${title}</a>`
            }
          </div>
          ${isRecord(block['description']) ? html`<div class="bk-hint">${textObject(block['description'], ctx)}</div>` : ''}`,
      );
    }
    case 'table': {
      const rows = Array.isArray(block['rows']) ? block['rows'] : [];
      const cell = (c: unknown) => {
        if (!isRecord(c)) return html`<td></td>`;
        if (c['type'] === 'raw_text') return html`<td>${str(c['text']) ?? ''}</td>`;
        if (c['type'] === 'rich_text')
          return html`<td>${records(c['elements']).map((n) => richBlockPart(n, ctx))}</td>`;
        return html`<td>${unsupported(ctx, 'element', `table cell ${String(c['type'])}`)}</td>`;
      };
      return frame(
        'bk-table',
        html`<table>
          ${rows.map(
            (r) =>
              html`<tr>
                ${(Array.isArray(r) ? r : []).map(cell)}
              </tr>`,
          )}
        </table>`,
      );
    }
    default:
      return frame('bk-unknown', unsupported(ctx, 'block', type || 'no type'));
  }
}

export function renderBlocks(blocks: unknown, ctx: RenderContext, opts: BlocksOptions = {}): Html {
  return html`${records(blocks).map((b, i) => renderBlock(b, i, ctx, opts))}`;
}

/** Legacy attachments: a coloured bar with their text, fields and blocks. */
function renderAttachments(attachments: unknown, ctx: RenderContext): Html {
  return html`${records(attachments).map((a) => {
    const colour = str(a['color']);
    const safe = colour && /^#?[0-9a-fA-F]{3,8}$|^(good|warning|danger)$/.test(colour) ? colour : '';
    const css =
      safe === 'good'
        ? '#2eb67d'
        : safe === 'warning'
          ? '#ecb22e'
          : safe === 'danger'
            ? '#e01e5a'
            : safe
              ? safe.startsWith('#')
                ? safe
                : `#${safe}`
              : '#ddd';
    const text = (value: unknown) => (typeof value === 'string' ? mrkdwnToHtml(value, ctx) : '');
    return html`<div class="bk-attachment" style="border-left-color:${css}">
      ${
        str(a['title']) ? html`<div class="bk-attachment-title">${a['title']}</div>` : ''
      }${str(a['pretext']) ? html`<div>${text(a['pretext'])}</div>` : ''}${str(a['text']) ? html`<div>${text(a['text'])}</div>` : ''}${records(
        a['fields'],
      ).map(
        (f) =>
          html`<div class="bk-field">
            <b>${str(f['title']) ?? ''}</b>
            <div>${text(f['value'])}</div>
          </div>`,
      )}${renderBlocks(a['blocks'], ctx)}
    </div>`;
  })}`;
}

/** A message's content: its blocks (Slack shows the text only when there are none) and attachments. */
export function renderMessageContent(
  message: { text?: string; blocks?: unknown[]; attachments?: unknown[] },
  ctx: RenderContext,
): Html {
  const blocks = Array.isArray(message.blocks) && message.blocks.length > 0 ? message.blocks : null;
  return html`${blocks ? renderBlocks(blocks, ctx) : html`<div class="bk-text">${mrkdwnToHtml(message.text ?? '', ctx)}</div>`}${renderAttachments(
    message.attachments,
    ctx,
  )}`;
}

/** A modal: title, its blocks with inline errors, Close and Submit. */
export function renderModal(
  v: { id: string; hash: string; view: Json },
  ctx: RenderContext,
  opts: BlocksOptions & { depth?: number } = {},
): Html {
  const view = v.view;
  const submit = isRecord(view['submit']) ? view['submit'] : null;
  const close = isRecord(view['close']) ? textObject(view['close'], ctx) : label(ctx, 'playground.client.cancel');
  return html`<form class="bk-modal" data-surface="view" data-view="${v.id}" data-hash="${v.hash}" novalidate>
    <header class="bk-modal-head">
      <h2>${textObject(view['title'], ctx)}</h2>
      <button
        type="button"
        class="bk-modal-x"
        data-modal="dismiss"
        aria-label="${label(ctx, 'playground.client.dismiss')}"
      >
        ×
      </button>
    </header>
    <div class="bk-modal-body">${renderBlocks(view['blocks'], ctx, opts)}</div>
    <footer class="bk-modal-foot">
      <button type="button" class="bk-button" data-modal="close">${close}</button>${
        submit
          ? html`<button type="submit" class="bk-button bk-primary" data-modal="submit">
              ${textObject(submit, ctx)}
            </button>`
          : ''
      }
    </footer>
  </form>`;
}

/** The App Home tab. */
export function renderHome(v: { id: string; hash: string; view: Json }, ctx: RenderContext): Html {
  return html`<div class="bk-home" data-surface="view" data-view="${v.id}" data-hash="${v.hash}">
    ${renderBlocks(v.view['blocks'], ctx)}
  </div>`;
}
