import { describe, expect, it } from 'vitest';
import { BLOCK_KIT_TYPES, INPUT_ONLY_TYPES, validateBlockKit } from '../../src/playground/block-kit-limits.js';
import { mrkdwnToHtml } from '../../src/playground/mrkdwn.js';
import { renderBlocks, renderModal, unsupportedTypes } from '../../src/playground/render.js';
import { escape } from '../../src/ui/limits.js';
import { HOSTILE } from '../helpers/mrkdwn.js';
import { expectDrawn, markupProblems, renderContext, rendered } from '../helpers/rendered.js';

const plain = (text: string) => ({ type: 'plain_text', text });
const md = (text: string) => ({ type: 'mrkdwn', text });
const option = (value: string) => ({ text: plain(`Option ${value}`), value });

/** One element of each type the fake Slack accepts, as the Block Kit reference describes it. */
const ELEMENTS: Record<string, Record<string, unknown>> = {
  button: { type: 'button', action_id: 'a', text: plain('Go'), value: 'v', style: 'primary' },
  overflow: { type: 'overflow', action_id: 'a', options: [option('1'), option('2')] },
  checkboxes: { type: 'checkboxes', action_id: 'a', options: [option('1')], initial_options: [option('1')] },
  radio_buttons: { type: 'radio_buttons', action_id: 'a', options: [option('1'), option('2')] },
  datepicker: { type: 'datepicker', action_id: 'a', initial_date: '2011-06-20' },
  timepicker: { type: 'timepicker', action_id: 'a', initial_time: '09:30' },
  datetimepicker: { type: 'datetimepicker', action_id: 'a', initial_date_time: 1308535200 },
  workflow_button: { type: 'workflow_button', action_id: 'a', text: plain('Run') },
  static_select: { type: 'static_select', action_id: 'a', options: [option('1')], initial_option: option('1') },
  external_select: { type: 'external_select', action_id: 'a', initial_option: option('1') },
  users_select: { type: 'users_select', action_id: 'a', initial_user: 'U0SEC00001' },
  conversations_select: { type: 'conversations_select', action_id: 'a' },
  channels_select: { type: 'channels_select', action_id: 'a' },
  multi_static_select: {
    type: 'multi_static_select',
    action_id: 'a',
    option_groups: [{ label: plain('Group'), options: [option('1'), option('2')] }],
  },
  multi_external_select: { type: 'multi_external_select', action_id: 'a' },
  multi_users_select: { type: 'multi_users_select', action_id: 'a', initial_users: ['U0LDR00001'] },
  multi_conversations_select: { type: 'multi_conversations_select', action_id: 'a' },
  multi_channels_select: { type: 'multi_channels_select', action_id: 'a' },
  plain_text_input: { type: 'plain_text_input', action_id: 'a', multiline: true, max_length: 100 },
  number_input: { type: 'number_input', action_id: 'a', is_decimal_allowed: false, min_value: '0' },
  email_text_input: { type: 'email_text_input', action_id: 'a' },
  url_text_input: { type: 'url_text_input', action_id: 'a' },
  file_input: { type: 'file_input', action_id: 'a', max_files: 5, filetypes: ['pdf', 'png'] },
  rich_text_input: { type: 'rich_text_input', action_id: 'a' },
  image: { type: 'image', image_url: 'https://example.org/a.png', alt_text: 'a' },
};

/** Where an element of this type may sit, by Slack's rules. */
function blockHolding(type: string, el: Record<string, unknown>): Record<string, unknown> {
  if (type === 'image') return { type: 'context', elements: [el, md('beside it')] };
  if (INPUT_ONLY_TYPES.has(type)) return { type: 'input', label: plain('A field'), element: el };
  return { type: 'actions', elements: [el] };
}

const BLOCKS: Record<string, Record<string, unknown>> = {
  section: { type: 'section', text: md('*text*'), fields: [md('a'), plain('b')], accessory: ELEMENTS.button },
  divider: { type: 'divider' },
  image: { type: 'image', image_url: 'https://example.org/a.png', alt_text: 'a', title: plain('A picture') },
  actions: { type: 'actions', elements: [ELEMENTS.button, ELEMENTS.static_select] },
  context: { type: 'context', elements: [md('_small_'), ELEMENTS.image] },
  input: { type: 'input', label: plain('Label'), hint: plain('Hint'), element: ELEMENTS.plain_text_input },
  header: { type: 'header', text: plain('Header') },
  rich_text: {
    type: 'rich_text',
    elements: [
      {
        type: 'rich_text_section',
        elements: [
          { type: 'text', text: 'bold', style: { bold: true } },
          { type: 'link', url: 'https://example.org', text: 'a link' },
          { type: 'user', user_id: 'U0SEC00001' },
          { type: 'emoji', name: 'tada', unicode: '1f389' },
        ],
      },
      {
        type: 'rich_text_list',
        style: 'bullet',
        elements: [{ type: 'rich_text_section', elements: [{ type: 'text', text: 'one' }] }],
      },
      { type: 'rich_text_preformatted', elements: [{ type: 'text', text: 'code' }] },
      { type: 'rich_text_quote', elements: [{ type: 'text', text: 'quoted' }] },
    ],
  },
  markdown: { type: 'markdown', text: '**bold** and [a link](https://example.org)\n- item' },
  file: { type: 'file', external_id: 'ABCD1', source: 'remote' },
  video: {
    type: 'video',
    title: plain('A video'),
    video_url: 'https://example.org/v',
    thumbnail_url: 'https://example.org/t.png',
    alt_text: 'v',
  },
  table: {
    type: 'table',
    rows: [
      [
        { type: 'raw_text', text: 'cell' },
        { type: 'rich_text', elements: [] },
      ],
    ],
  },
  context_actions: {
    type: 'context_actions',
    elements: [
      {
        type: 'feedback_buttons',
        action_id: 'f',
        positive_button: { text: plain('Good'), value: 'good' },
        negative_button: { text: plain('Bad'), value: 'bad' },
      },
      { type: 'icon_button', action_id: 'i', icon: 'trash', text: plain('Delete'), value: 'd' },
    ],
  },
};

describe('the playground’s Block Kit renderer', () => {
  it('when a block of each type the fake Slack accepts is drawn, then none is left unsupported', () => {
    expect(Object.keys(BLOCKS).sort()).toEqual([...BLOCK_KIT_TYPES.blocks].sort());
    for (const [type, block] of Object.entries(BLOCKS)) {
      const html = expectDrawn({ blocks: [block] });
      expect(html, type).toContain(`bk-block`);
    }
  });

  it('when an element of each type the fake Slack accepts is drawn where Slack allows it, then none is left unsupported', () => {
    expect(Object.keys(ELEMENTS).sort()).toEqual([...BLOCK_KIT_TYPES.elements].sort());
    for (const [type, el] of Object.entries(ELEMENTS)) {
      const view = {
        type: 'modal',
        title: plain('T'),
        close: plain('Close'),
        submit: plain('Save'),
        blocks: [blockHolding(type, el)],
      };
      // The samples are valid Block Kit, so the renderer is tested on what Slack would take.
      expect(validateBlockKit('modal', view), type).toEqual([]);
      const html = expectDrawn(view);
      if (type !== 'image') expect(html, type).toContain(`data-type="${type}"`);
    }
  });

  it('when a block or an element is of a type it does not know, then it says so where it would be (so the checks above can fail)', () => {
    const html = renderBlocks(
      [{ type: 'poll' }, { type: 'actions', elements: [{ type: 'slider' }] }],
      renderContext,
    ).value;
    expect(unsupportedTypes(html)).toEqual(['poll', 'slider']);
    expect(html).toContain('A block the playground cannot draw: poll');
  });

  it('when mrkdwn has bold, italic, strike, code, a quote, links, mentions and entities, then each is drawn as Slack draws it', () => {
    const html = mrkdwnToHtml(
      '*bold* _italic_ ~strike~ `a <b> code` &amp; &lt;tag&gt;\n&gt; quoted\n<https://www.gov.cn/a?b=1&amp;c=2|the notice> <https://example.org> <@U0SEC00001> <#C0NOTICES> <!here> ```pre *not bold*```',
      renderContext,
    ).value;
    expect(html).toContain('<b>bold</b> <i>italic</i> <s>strike</s> <code>a &lt;b&gt; code</code> &amp; &lt;tag&gt;');
    expect(html).toContain('<blockquote>quoted</blockquote>');
    expect(html).toContain(
      '<a href="https://www.gov.cn/a?b=1&amp;c=2" target="_blank" rel="noopener noreferrer">the notice</a>',
    );
    expect(html).toContain('>https://example.org</a>');
    expect(html).toContain('<span class="bk-mention" data-user="U0SEC00001">@王建国</span>');
    expect(html).toContain('#notices');
    expect(html).toContain('@here');
    expect(html).toContain('<pre>pre *not bold*</pre>');
  });

  it('when a word has markers inside it or a link is not http(s), then it stays text', () => {
    const html = mrkdwnToHtml(
      'a*b*c snake_case_name <javascript:alert(1)|click> <file:///etc/passwd>',
      renderContext,
    ).value;
    expect(html).toBe('a*b*c snake_case_name click file:///etc/passwd');
    expect(markupProblems(html)).toEqual([]);
  });

  it('when a person’s text is escaped by the bot as every builder does, then the page shows it exactly as typed and nothing of it is markup', () => {
    const html = mrkdwnToHtml(escape(HOSTILE), renderContext).value;
    // Only the *bold* and _x_ of it are formatting, which the bot leaves to Slack on purpose (src/ui/limits.ts).
    expect(html).toBe(
      'a|b &gt; c &lt; d &amp; e &lt;!channel&gt; &lt;!here&gt; &lt;@U0LDR00001&gt; &lt;#C123&gt; &lt;https://evil.example|gov.cn&gt; <b>bold</b> <i>x</i>',
    );
  });

  it('when a modal has inline errors, then each is shown under its input and the form keeps the values it was given', () => {
    const html = renderModal(
      {
        id: 'V1',
        hash: 'h1',
        view: {
          type: 'modal',
          title: plain('Report'),
          submit: plain('Submit'),
          close: plain('Cancel'),
          blocks: [
            {
              type: 'input',
              block_id: 'summary',
              label: plain('Summary'),
              element: { ...ELEMENTS.plain_text_input, initial_value: 'x < y' },
            },
            { type: 'input', block_id: 'files', optional: true, label: plain('Files'), element: ELEMENTS.file_input },
          ],
        },
      },
      renderContext,
      { errors: { summary: 'Write <what> was done' } },
    ).value;
    expect(html).toContain('data-view="V1" data-hash="h1"');
    expect(html).toContain('bk-has-error');
    expect(html).toContain('<div class="bk-error" role="alert">Write &lt;what&gt; was done</div>');
    // A newline right after <textarea> is not part of its value (HTML drops it).
    expect(html).toMatch(/>\n?x &lt; y<\/textarea>/);
    expect(html).toContain('data-required="1"');
    expect(html).toContain('(optional)');
  });

  it('when HTML holds a tag, a handler or a script URL the renderer never makes, then the markup check names it (so it can fail)', () => {
    expect(
      markupProblems(
        '<img src="x" onerror="a()"><script>1</script><a href="javascript:alert(1)">x</a><b title="onclick=no">ok</b>',
      ),
    ).toEqual(['tag <script>', 'tag <script>', 'event handler onerror', 'javascript: URL']);
  });

  it('when a message has no blocks, then its text is drawn as mrkdwn; with blocks, the blocks are', () => {
    expect(rendered({ text: '*done*' })).toContain('<b>done</b>');
    const html = rendered({ text: 'fallback only', blocks: [{ type: 'section', text: md('the blocks') }] });
    expect(html).toContain('the blocks');
    expect(html).not.toContain('fallback only');
  });
});
