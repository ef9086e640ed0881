import { describe, expect, it } from 'vitest';
import {
  escape,
  escapeWithin,
  link,
  LINK_LABEL_MAX,
  LINK_TARGET_MAX,
  linkLabel,
  linkTarget,
  mention,
} from '../../src/ui/limits.js';
import { markupProblems } from '../helpers/mrkdwn.js';

describe('a person’s text in mrkdwn', () => {
  it('when it holds &, < and >, then each is the entity Slack decodes, and formatting characters are left alone', () => {
    expect(escape('a & b <!channel> <@U0LDR00001> *bold* _x_ |')).toBe(
      'a &amp; b &lt;!channel&gt; &lt;@U0LDR00001&gt; *bold* _x_ |',
    );
  });

  it('when it must fit a length once escaped, then it is cut before an entity, never inside one', () => {
    expect(escapeWithin('a<b', 10)).toBe('a&lt;b');
    expect(escapeWithin('&&&&&', 12)).toBe('&amp;&amp;…');
    expect(escapeWithin('<'.repeat(1000), 3000)).toMatch(/^(&lt;)+…$/);
    expect(Array.from(escapeWithin('<'.repeat(1000), 3000)).length).toBeLessThanOrEqual(3000);
    expect(escapeWithin('长'.repeat(10), 5)).toBe('长长长长…');
  });

  it('when a co-author id is a Slack user id, then it is a mention; anything else is text', () => {
    expect(mention('U0MEM00002')).toBe('<@U0MEM00002>');
    expect(mention('<!channel>')).toBe('&lt;!channel&gt;');
    expect(mention('U0A>|<!here')).toBe('U0A&gt;|&lt;!here');
  });
});

describe('a link', () => {
  it('when the address holds |, <, >, spaces or &, then the target keeps them encoded, so Slack cannot end it early', () => {
    expect(linkTarget('https://a.org/x|y<z> w?a=1&b=2')).toBe('https://a.org/x%7Cy%3Cz%3E%20w?a=1&amp;b=2');
  });

  it('when evidence reads as a gov.cn link that goes to evil.example, then it is shown as a link to evil.example, named after evil.example', () => {
    const shown = link('https://evil.example/x|https://www.gov.cn/notice>');
    expect(shown).toBe('<https://evil.example/x%7Chttps://www.gov.cn/notice%3E|evil.example/…/notice%3E>');
    expect(markupProblems(shown)).toEqual([]);
  });

  it('when a link is named, then the name is the host and the path, shortened from the middle, never from user text', () => {
    const label = (u: string) => linkLabel(new URL(u));
    expect(label('https://www.gov.cn/')).toBe('www.gov.cn');
    expect(label('https://www.gov.cn/notice')).toBe('www.gov.cn/notice');
    expect(label('https://www.gov.cn/zhengce/content/2011-04/08/content_1840000.htm')).toBe(
      'www.gov.cn/…/content_1840000.htm',
    );
    expect(label('https://mp.weixin.qq.com/s?__biz=MzA&mid=1')).toBe('mp.weixin.qq.com/s?…');
    expect(label('https://example.org/a#part')).toBe('example.org/a#…');
    expect(label('http://10.1.2.3:8080/x')).toBe('10.1.2.3:8080/x');
    // People read their own script; what would look like a space, markup or another path stays encoded.
    expect(label('https://example.org/通知/附件.pdf')).toBe('example.org/通知/附件.pdf');
    expect(label('https://example.org/a%20b/c%2Fd/e%E2%80%AEf')).toBe('example.org/a%20b/c%2Fd/e%E2%80%AEf');
    // An international name shows as punycode: no look-alike letters.
    expect(label('https://www.gоv.cn/')).toMatch(/^www\.xn--[a-z0-9-]+\.cn$/);
    for (const u of [
      `https://example.org/${'p'.repeat(900)}`,
      `https://example.org/${'a/'.repeat(300)}${'长'.repeat(100)}`,
      `https://${'a'.repeat(60)}.example.org/${'b'.repeat(60)}`,
    ])
      expect(Array.from(shownLabel(label(u))).length).toBeLessThanOrEqual(LINK_LABEL_MAX);
  });

  it('when a host is long, then its end is kept, so a look-alike subdomain cannot hide where the link goes', () => {
    const label = linkLabel(new URL(`https://www.gov.cn.${'x'.repeat(40)}.evil.example/notice`));
    expect(label.startsWith('…')).toBe(true);
    expect(label).toContain('.evil.example/');
  });

  it('when a stored link is not http(s), then it is shown as text, not as a link', () => {
    expect(link('javascript:alert(1)')).toBe('javascript:alert(1)');
    expect(link('<!channel>')).toBe('&lt;!channel&gt;');
    expect(link('file:///etc/passwd')).not.toContain('<');
  });

  it('when a stored link was never normalised, then it is normalised as it is shown', () => {
    expect(link('HTTPS://WWW.GOV.CN/a b')).toBe('<https://www.gov.cn/a%20b|www.gov.cn/a%20b>');
  });

  it('when a link is too long to share a section, then its label is shown without the link', () => {
    const long = `https://example.org/${'|'.repeat(LINK_TARGET_MAX)}`;
    const shown = link(long);
    expect(shown).not.toContain('<');
    expect(shown.startsWith('example.org/')).toBe(true);
  });
});

function shownLabel(label: string): string {
  return label.replace(/&amp;/g, '&');
}
