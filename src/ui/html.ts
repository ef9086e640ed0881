/**
 * The one way text enters HTML (and SVG, which the chart writes): the coming playground and ballot
 * pages build their markup with `html`, which escapes everything it is given except markup it
 * made itself, so a name or a comment can never open a tag, an attribute or a script.
 */

/** `&`, `<`, `>`, `"` and `'` as entities: safe in element text and in a quoted attribute value. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** Markup made by `html` (or vouched for with `trustedHtml`): put in a template as it is. */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

/** Markup written in this codebase, never from a person: a constant, or a file shipped with the bot. */
export function trustedHtml(markup: string): Html {
  return new Html(markup);
}

function part(value: unknown): string {
  if (value instanceof Html) return value.value;
  if (Array.isArray(value)) return value.map(part).join('');
  if (value === null || value === undefined || value === false) return '';
  return escapeHtml(String(value));
}

/**
 * A template whose values are escaped: html`<td title="${name}">${name}</td>`. Arrays are joined
 * (a list of rows made by `html`); null, undefined and false leave nothing.
 */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    out += part(value) + (strings[i + 1] ?? '');
  });
  return new Html(out);
}

/**
 * A URL for an `href` or `src`: only http(s) (never `javascript:` or `data:`), normalised and
 * escaped for a quoted attribute; `#` for anything else.
 */
export function htmlUrl(url: string): string {
  try {
    const parsed = new URL(url.trim());
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? escapeHtml(parsed.href) : '#';
  } catch {
    return '#';
  }
}

/** A radio button or check box of a form, checked when it is the choice made (`required`: the group must be answered). */
export function choiceInput(v: {
  type: 'radio' | 'checkbox';
  name: string;
  value: string;
  checked: boolean;
  required?: boolean;
}): Html {
  return html`<input
    type="${v.type}"
    name="${v.name}"
    value="${v.value}"
    ${v.required ? trustedHtml(' required') : ''}${v.checked ? trustedHtml(' checked') : ''}
  />`;
}
