import { describe, expect, it } from 'vitest';
import { escapeHtml, html, htmlUrl, trustedHtml } from '../../src/ui/html.js';
import { HOSTILE } from '../helpers/mrkdwn.js';

describe('a person’s text in HTML', () => {
  it('when it holds markup, then every character that could open a tag, an entity or leave an attribute is escaped', () => {
    expect(escapeHtml(`<script>alert("x")</script> & 'y' ${HOSTILE}`)).toBe(
      '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39; a|b &gt; c &lt; d &amp; e &lt;!channel&gt; &lt;!here&gt; &lt;@U0LDR00001&gt; &lt;#C123&gt; &lt;https://evil.example|gov.cn&gt; *bold* _x_',
    );
    // What was escaped once is escaped again: an entity someone typed is shown as typed.
    expect(escapeHtml('&lt;b&gt;')).toBe('&amp;lt;b&amp;gt;');
  });

  it('when a template is given values, then they are escaped, in text and in attributes, and its own markup is not', () => {
    const name = `"><img src=x onerror=alert(1)>`;
    const row = html`<td title="${name}">${name}</td>`;
    expect(String(row)).toBe(
      '<td title="&quot;&gt;&lt;img src=x onerror=alert(1)&gt;">&quot;&gt;&lt;img src=x onerror=alert(1)&gt;</td>',
    );
    const rows = ['a<b', "c'd"].map((v) => html`<li>${v}</li>`);
    // Prettier lays out html`` templates as HTML; this one is compared character for character.
    // prettier-ignore
    const list = html`<ul>${rows}</ul>`;
    expect(String(list)).toBe('<ul><li>a&lt;b</li><li>c&#39;d</li></ul>');
    expect(String(html`<p>${null}${undefined}${false}${0}</p>`)).toBe('<p>0</p>');
    expect(String(html`<p>${trustedHtml('<br>')}</p>`)).toBe('<p><br></p>');
  });

  it('when a URL goes into an href, then only http(s) is kept, normalised and escaped', () => {
    expect(htmlUrl('https://example.org/a b?x="1"&y=<2>')).toBe('https://example.org/a%20b?x=%221%22&amp;y=%3C2%3E');
    for (const bad of ['javascript:alert(1)', ' JavaScript:alert(1)', 'data:text/html,<script>', 'not a url'])
      expect(htmlUrl(bad)).toBe('#');
  });
});
