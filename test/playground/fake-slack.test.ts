import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebClient, type View, type WebClientOptions } from '@slack/web-api';
import { startFakeSlack, type FakeSlack, type FakeSlackOptions } from '../../src/playground/fake-slack.js';
import { validateBlockKit } from '../../src/playground/block-kit-limits.js';
import { silentSlackLogger } from '../helpers/logs.js';

const section = (text: string, blockId?: string) => ({
  type: 'section',
  text: { type: 'mrkdwn', text },
  ...(blockId ? { block_id: blockId } : {}),
});
const plain = (text: string) => ({ type: 'plain_text', text });
const option = (i: number) => ({ text: plain(`Option ${i}`), value: `v${i}` });

let fake: FakeSlack;

async function start(opts: FakeSlackOptions = {}, clientOpts: WebClientOptions = {}): Promise<WebClient> {
  fake = await startFakeSlack(opts);
  return new WebClient(undefined, {
    slackApiUrl: fake.apiUrl,
    logger: silentSlackLogger,
    retryConfig: { retries: 0 },
    ...clientOpts,
  });
}

afterEach(async () => {
  await fake?.close();
});

describe('fake Slack: messages', () => {
  let client: WebClient;
  beforeEach(async () => {
    client = await start();
  });

  it('when a message is posted, then it answers ok with an increasing Slack-shaped ts and records the call', async () => {
    const first = await client.chat.postMessage({ channel: 'C1', text: 'one' });
    const second = await client.chat.postMessage({ channel: 'C1', text: 'two', blocks: [section('*two*')] });

    expect(first.ok).toBe(true);
    expect(first.channel).toBe('C1');
    expect(first.ts).toMatch(/^\d{10}\.\d{6}$/);
    expect(String(second.ts) > String(first.ts)).toBe(true);
    expect(second.message?.blocks).toEqual([section('*two*')]);
    expect(fake.callsTo('chat.postMessage').map((c) => c.args['text'])).toEqual(['one', 'two']);
    expect(fake.callsTo('chat.postMessage')[1]?.args['blocks']).toEqual([section('*two*')]);
    expect(fake.messages('C1').map((m) => m.text)).toEqual(['one', 'two']);
    expect(fake.violations).toEqual([]);
  });

  it("when a call arrives, then it records when the whole request was in, on this process's monotonic clock", async () => {
    const before = performance.now();
    await client.chat.postMessage({ channel: 'C1', text: 'one' });
    const after = performance.now();
    const [call] = fake.callsTo('chat.postMessage');
    expect(call!.receivedAt).toBeGreaterThanOrEqual(before);
    expect(call!.receivedAt).toBeLessThanOrEqual(after);
  });

  it("when a message is posted to a user id, then it lands in that user's DM channel", async () => {
    const res = await client.chat.postMessage({ channel: 'U7', text: 'hi' });

    expect(res.channel).toBe('DU7');
    expect((await client.conversations.open({ users: 'U7' })).channel?.id).toBe('DU7');
  });

  it('when a message is updated, then the stored message changes and the answer carries the same ts', async () => {
    const posted = await client.chat.postMessage({ channel: 'C1', text: 'draft' });
    const updated = await client.chat.update({ channel: 'C1', ts: String(posted.ts), text: 'final' });

    expect(updated.ts).toBe(posted.ts);
    expect(fake.messages('C1')).toEqual([expect.objectContaining({ ts: posted.ts, text: 'final', edits: 1 })]);
  });

  it('when a message has neither text nor blocks, then the fake answers no_text', async () => {
    await expect(client.apiCall('chat.postMessage', { channel: 'C1' })).rejects.toMatchObject({
      data: { error: 'no_text' },
    });
  });

  it('when the code posts to an archived channel, then the fake answers is_archived', async () => {
    fake.setChannel('C_OLD', { archived: true });

    await expect(client.chat.postMessage({ channel: 'C_OLD', text: 'x' })).rejects.toMatchObject({
      data: { error: 'is_archived' },
    });
  });

  it('when an ephemeral message and a permalink are asked for, then both answer like Slack', async () => {
    const eph = await client.chat.postEphemeral({ channel: 'C1', user: 'U1', text: 'only you' });
    const posted = await client.chat.postMessage({ channel: 'C1', text: 'x' });
    const link = await client.chat.getPermalink({ channel: 'C1', message_ts: String(posted.ts) });

    expect(eph.message_ts).toMatch(/^\d{10}\.\d{6}$/);
    expect(fake.ephemerals('C1')).toEqual([expect.objectContaining({ ephemeralTo: 'U1', text: 'only you' })]);
    expect(link.permalink).toContain(`/archives/C1/p${String(posted.ts).replace('.', '')}`);
  });

  it('when a method the fake does not know is called, then it answers unknown_method and records a violation', async () => {
    await expect(client.apiCall('reactions.add', { channel: 'C1', name: 'x', timestamp: '1' })).rejects.toMatchObject({
      data: { error: 'unknown_method' },
    });
    expect(fake.violations).toEqual([expect.stringContaining('reactions.add: unknown method')]);
  });

  it('when a test adds a handler, then the fake answers that method with it', async () => {
    fake.handle('conversations.info', (args) => ({ channel: { id: args['channel'], is_archived: false } }));

    const res = await client.conversations.info({ channel: 'C5' });

    expect(res.channel?.id).toBe('C5');
    expect(fake.violations).toEqual([]);
  });

  it('when waitFor is not satisfied in time, then it rejects naming the method and what was seen', async () => {
    await client.auth.test();

    await expect(fake.waitFor('chat.postMessage', 1, 50)).rejects.toThrow(/chat\.postMessage.*got 0.*auth\.test/);
  });
});

describe('fake Slack: users, DMs and auth', () => {
  it('when auth.test is called, then it answers with the bot user, bot id and team', async () => {
    const client = await start({ botUserId: 'UB', botId: 'BB', teamId: 'TT' });

    expect(await client.auth.test()).toMatchObject({ ok: true, user_id: 'UB', bot_id: 'BB', team_id: 'TT' });
  });

  it('when a user is set, then users.info answers with their name and zone, and the locale only if asked', async () => {
    const client = await start();
    fake.setUser('U1', { real_name: '张伟', locale: 'zh-CN', tz: 'Asia/Shanghai' });

    const plainInfo = await client.users.info({ user: 'U1' });
    const withLocale = await client.users.info({ user: 'U1', include_locale: true });

    expect(plainInfo.user).toMatchObject({ id: 'U1', real_name: '张伟', tz: 'Asia/Shanghai', tz_offset: 28800 });
    expect(plainInfo.user).not.toHaveProperty('locale');
    expect(withLocale.user?.locale).toBe('zh-CN');
  });

  it('when users are strict and the id is unknown, then users.info and conversations.open answer user_not_found', async () => {
    const client = await start({ strictUsers: true });

    await expect(client.users.info({ user: 'U404' })).rejects.toMatchObject({ data: { error: 'user_not_found' } });
    await expect(client.conversations.open({ users: 'U404' })).rejects.toMatchObject({
      data: { error: 'user_not_found' },
    });
  });

  it('when users are not strict, then an unknown user gets a default profile without a locale', async () => {
    const client = await start();

    const res = await client.users.info({ user: 'U9', include_locale: true });

    expect(res.user).toMatchObject({ id: 'U9', deleted: false });
    expect(res.user).not.toHaveProperty('locale');
  });

  it('when a token is required and the client sends another, then the fake answers invalid_auth', async () => {
    fake = await startFakeSlack({ token: 'xoxb-right' });
    const wrong = new WebClient('xoxb-wrong', {
      slackApiUrl: fake.apiUrl,
      logger: silentSlackLogger,
      retryConfig: { retries: 0 },
    });
    const right = new WebClient('xoxb-right', {
      slackApiUrl: fake.apiUrl,
      logger: silentSlackLogger,
      retryConfig: { retries: 0 },
    });

    await expect(wrong.auth.test()).rejects.toMatchObject({ data: { error: 'invalid_auth' } });
    expect((await right.auth.test()).ok).toBe(true);
    expect(fake.calls.map((c) => c.token)).toEqual(['xoxb-wrong', 'xoxb-right']);
  });
});

describe('fake Slack: Block Kit limits', () => {
  let client: WebClient;
  beforeEach(async () => {
    client = await start();
  });

  // Typed as View so invalid test data still compiles; the fake is what judges it.
  const modal = (overrides: Record<string, unknown> = {}): View =>
    ({
      type: 'modal',
      callback_id: 'report',
      title: plain('Report'),
      submit: plain('Send'),
      blocks: [section('hello')],
      ...overrides,
    }) as View;

  it('when a message has 50 blocks, then the fake accepts it', async () => {
    const blocks = Array.from({ length: 50 }, (_, i) => section(`row ${i}`));

    expect((await client.chat.postMessage({ channel: 'C1', text: 'x', blocks })).ok).toBe(true);
    expect(fake.violations).toEqual([]);
  });

  it('when a message has 51 blocks, then the fake refuses it with invalid_blocks and records why', async () => {
    const blocks = Array.from({ length: 51 }, (_, i) => section(`row ${i}`));

    await expect(client.chat.postMessage({ channel: 'C1', text: 'x', blocks })).rejects.toMatchObject({
      data: { error: 'invalid_blocks', errors: [expect.stringContaining('51 blocks, limit 50')] },
    });
    expect(fake.violations).toEqual([
      expect.stringMatching(/^chat\.postMessage: 51 blocks, limit 50 .*json-pointer:\/blocks\]$/),
    ]);
    expect(fake.messages('C1')).toEqual([]);
  });

  it('when a header is longer than 150 characters, then the fake refuses the message', async () => {
    const blocks = [{ type: 'header', text: plain('h'.repeat(151)) }];

    await expect(client.chat.postMessage({ channel: 'C1', text: 'x', blocks })).rejects.toMatchObject({
      data: { error: 'invalid_blocks' },
    });
    expect(fake.violations).toEqual([
      expect.stringContaining('header text is 151 characters, limit 150 [json-pointer:/blocks/0/text/text]'),
    ]);
  });

  it('when a button label is longer than 75 characters, then the fake refuses the message', async () => {
    const blocks = [{ type: 'actions', elements: [{ type: 'button', action_id: 'a', text: plain('b'.repeat(76)) }] }];

    await expect(client.chat.postMessage({ channel: 'C1', text: 'x', blocks })).rejects.toMatchObject({
      data: { error: 'invalid_blocks' },
    });
    expect(fake.violations).toEqual([expect.stringContaining('button text is 76 characters, limit 75')]);
  });

  it('when two blocks share a block_id, then the fake refuses the message', async () => {
    const blocks = [section('a', 'same'), section('b', 'same')];

    await expect(client.chat.postMessage({ channel: 'C1', text: 'x', blocks })).rejects.toMatchObject({
      data: { error: 'invalid_blocks' },
    });
    expect(fake.violations).toEqual([
      expect.stringContaining('duplicate block_id "same" [json-pointer:/blocks/1/block_id]'),
    ]);
  });

  it('when a modal title is 25 characters, then views.open answers invalid_arguments with the pointer, as Slack does', async () => {
    await expect(
      client.views.open({ trigger_id: 't1', view: modal({ title: plain('t'.repeat(25)) }) }),
    ).rejects.toMatchObject({
      data: {
        error: 'invalid_arguments',
        response_metadata: { messages: [expect.stringContaining('[json-pointer:/view/title/text]')] },
      },
    });
    expect(fake.violations).toEqual([expect.stringContaining('views.open: modal title is 25 characters, limit 24')]);
  });

  it('when a select has 101 options, then the fake refuses the modal', async () => {
    const blocks = [
      {
        type: 'input',
        block_id: 'pick',
        label: plain('Pick'),
        element: { type: 'static_select', action_id: 's', options: Array.from({ length: 101 }, (_, i) => option(i)) },
      },
    ];

    await expect(client.views.open({ trigger_id: 't1', view: modal({ blocks }) })).rejects.toMatchObject({
      data: { error: 'invalid_arguments' },
    });
    expect(fake.violations).toEqual([
      expect.stringContaining('options has 101 items, limit 100 [json-pointer:/view/blocks/0/element/options]'),
    ]);
  });

  it('when a valid modal is opened and then updated, then both answer a view with an id and a fresh hash', async () => {
    const blocks = [
      {
        type: 'input',
        block_id: 'pick',
        label: plain('Pick'),
        element: { type: 'static_select', action_id: 's', options: [option(1), option(2)] },
      },
    ];

    const opened = await client.views.open({ trigger_id: 't1', view: modal({ blocks }) });
    const id = String(opened.view?.id);
    const updated = await client.views.update({ view_id: id, hash: opened.view?.hash, view: modal({ blocks }) });

    expect(id).toMatch(/^V/);
    expect(fake.callsTo('views.open')[0]?.response).toMatchObject({ ok: true, view: { id } });
    expect(updated.view?.id).toBe(id);
    expect(updated.view?.hash).not.toBe(opened.view?.hash);
    expect(fake.violations).toEqual([]);
  });

  it('when a trigger_id is used twice, then the second views.open answers exchanged_trigger_id', async () => {
    await client.views.open({ trigger_id: 't1', view: modal() });

    await expect(client.views.open({ trigger_id: 't1', view: modal() })).rejects.toMatchObject({
      data: { error: 'exchanged_trigger_id' },
    });
  });

  it('when a trigger_id is older than 3 seconds, then views.open answers expired_trigger_id', async () => {
    const stale = `${Date.now() - 3500}.1.abc`;

    await expect(client.views.open({ trigger_id: stale, view: modal() })).rejects.toMatchObject({
      data: { error: 'expired_trigger_id' },
    });
  });

  it('when a Home tab is published, then it is stored for that user; a modal-typed view is refused', async () => {
    await client.views.publish({ user_id: 'U1', view: { type: 'home', blocks: [section('home')] } });

    expect(fake.homeOf('U1')?.view['blocks']).toEqual([section('home')]);
    await expect(
      client.apiCall('views.publish', { user_id: 'U1', view: { type: 'modal', title: plain('x'), blocks: [] } }),
    ).rejects.toMatchObject({ data: { error: 'invalid_arguments' } });
  });

  it('when a response_url body breaks the limits, then the fake answers 400 and records a violation', async () => {
    const res = await fetch(fake.responseUrl('r1'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'x', blocks: [section('s'.repeat(3001))] }),
    });

    expect(res.status).toBe(400);
    expect(fake.callsTo('response_url')).toEqual([expect.objectContaining({ ok: false, error: 'invalid_blocks' })]);
    expect(fake.violations).toEqual([
      expect.stringContaining('response_url: section text is 3001 characters, limit 3000'),
    ]);
  });
});

describe('validateBlockKit', () => {
  it('when a modal has an input block but no submit, then it reports the missing submit', () => {
    const view = {
      type: 'modal',
      title: plain('T'),
      blocks: [{ type: 'input', label: plain('L'), element: { type: 'plain_text_input', action_id: 'a' } }],
    };

    expect(validateBlockKit('modal', view)).toEqual([expect.stringContaining('needs a submit button')]);
  });

  it('when a section has 11 fields and a field over 2000 characters, then it reports both', () => {
    const fields = Array.from({ length: 11 }, (_, i) => ({ type: 'mrkdwn', text: i === 0 ? 'f'.repeat(2001) : 'f' }));

    const errors = validateBlockKit('message', { blocks: [{ type: 'section', fields }] });

    expect(errors).toEqual([
      expect.stringContaining('section fields has 11 items, limit 10'),
      expect.stringContaining('section field is 2001 characters, limit 2000 [json-pointer:/blocks/0/fields/0/text]'),
    ]);
  });

  it('when an actions block repeats an action_id or has 26 elements, then it reports both', () => {
    const elements = Array.from({ length: 26 }, (_, i) => ({
      type: 'button',
      action_id: i < 2 ? 'dup' : `b${i}`,
      text: plain('ok'),
    }));

    const errors = validateBlockKit('message', [{ type: 'actions', elements }]);

    expect(errors).toEqual([
      expect.stringContaining('actions elements has 26 items, limit 25'),
      expect.stringContaining('duplicate action_id "dup" in one block [json-pointer:/blocks/0/elements/1/action_id]'),
    ]);
  });

  it('when option text, option value, private_metadata and the home type are over the limits, then each is reported', () => {
    const view = {
      type: 'modal',
      private_metadata: 'm'.repeat(3001),
      blocks: [
        {
          type: 'section',
          text: { type: 'mrkdwn', text: 'pick' },
          accessory: {
            type: 'static_select',
            action_id: 's',
            options: [{ text: plain('o'.repeat(76)), value: 'v'.repeat(151) }],
          },
        },
      ],
    };

    expect(validateBlockKit('home', view)).toEqual([
      expect.stringContaining('view type must be "home"'),
      expect.stringContaining('private_metadata is 3001 characters, limit 3000'),
      expect.stringContaining('option text is 76 characters, limit 75'),
      expect.stringContaining('option value is 151 characters, limit 150'),
    ]);
  });

  it('when a modal has 100 blocks, then it passes; with 101 it is reported', () => {
    const view = (n: number) => ({
      type: 'modal',
      title: plain('T'),
      blocks: Array.from({ length: n }, () => ({ type: 'divider' })),
    });

    expect(validateBlockKit('modal', view(100))).toEqual([]);
    expect(validateBlockKit('modal', view(101))).toEqual([expect.stringContaining('101 blocks, limit 100')]);
  });

  it('when message text is over 40000 characters, then it is reported', () => {
    expect(validateBlockKit('message', { text: 'x'.repeat(40_001) })).toEqual([
      expect.stringContaining('message text is 40001 characters'),
    ]);
  });
});

describe('fake Slack: failure injection', () => {
  it('when an answer is lost after a 500, then the client sees an HTTP error although the message was posted', async () => {
    const client = await start();
    fake.failNext('chat.postMessage', { answerLost: 500 });

    await expect(client.chat.postMessage({ channel: 'C1', text: 'posted' })).rejects.toMatchObject({
      code: 'slack_webapi_http_error',
      statusCode: 500,
    });
    expect(fake.messages('C1').map((m) => m.text)).toEqual(['posted']);
    expect(fake.callsTo('chat.postMessage')).toEqual([expect.objectContaining({ ok: false, status: 500 })]);
    expect(fake.violations).toEqual([]);
  });

  it('when the connection is reset after Slack posted, then the client sees a request error and the message is there', async () => {
    const client = await start();
    fake.failNext('chat.postMessage', { answerLost: 'reset' });

    await expect(client.chat.postMessage({ channel: 'C1', text: 'posted' })).rejects.toMatchObject({
      code: 'slack_webapi_request_error',
    });
    expect(fake.messages('C1')).toHaveLength(1);
    expect(fake.callsTo('chat.postMessage')).toEqual([expect.objectContaining({ ok: false, status: 0 })]);
  });

  it('when the answer comes after the client gave up, then the message was posted at once', async () => {
    const client = await start({}, { timeout: 50 });
    fake.failNext('chat.postMessage', { answerLost: 'late', timeoutMs: 200 });

    await expect(client.chat.postMessage({ channel: 'C1', text: 'posted' })).rejects.toMatchObject({
      code: 'slack_webapi_request_error',
    });
    expect(fake.messages('C1')).toHaveLength(1);
    expect(fake.inFlight).toBe(1);
  });

  it('when failures are cleared, then the next call succeeds', async () => {
    const client = await start();
    fake.failNext('chat.postMessage', { error: 'invalid_auth' }, 5);
    await expect(client.chat.postMessage({ channel: 'C1', text: 'x' })).rejects.toMatchObject({
      data: { error: 'invalid_auth' },
    });

    fake.clearFailures();

    expect((await client.chat.postMessage({ channel: 'C1', text: 'x' })).ok).toBe(true);
  });

  it('when a 429 with Retry-After is injected, then WebClient waits that long, retries, and succeeds', async () => {
    const client = await start({}, { retryConfig: { retries: 1, factor: 1, minTimeout: 10, maxTimeout: 10 } });
    fake.failNext('chat.postMessage', { status: 429, retryAfter: 1 });

    const started = Date.now();
    const res = await client.chat.postMessage({ channel: 'C1', text: 'later' });

    expect(res.ok).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(fake.callsTo('chat.postMessage').map((c) => c.status)).toEqual([429, 200]);
    expect(fake.succeeded('chat.postMessage')).toHaveLength(1);
    expect(fake.rateLimited).toBe(1);
  });

  it('when a 500 is injected and retries are off, then the call fails with an HTTP error and nothing is posted', async () => {
    const client = await start();
    fake.failNext('chat.postMessage', { status: 500 });

    await expect(client.chat.postMessage({ channel: 'C1', text: 'x' })).rejects.toMatchObject({
      code: 'slack_webapi_http_error',
      statusCode: 500,
    });
    expect(fake.messages()).toEqual([]);
    expect((await client.chat.postMessage({ channel: 'C1', text: 'x' })).ok).toBe(true);
  });

  it('when an error is injected twice, then two calls fail with it and the third succeeds', async () => {
    const client = await start();
    fake.failNext('users.info', { error: 'user_not_found' }, 2);

    await expect(client.users.info({ user: 'U1' })).rejects.toMatchObject({ data: { error: 'user_not_found' } });
    await expect(client.users.info({ user: 'U1' })).rejects.toMatchObject({ data: { error: 'user_not_found' } });
    expect((await client.users.info({ user: 'U1' })).ok).toBe(true);
    expect(fake.violations).toEqual([]);
  });

  it('when a call is held past the client timeout, then the client gives up and the fake answers it later', async () => {
    const client = await start({}, { timeout: 50 });
    fake.failNext('chat.postMessage', { timeoutMs: 200 });

    await expect(client.chat.postMessage({ channel: 'C1', text: 'slow' })).rejects.toMatchObject({
      code: 'slack_webapi_request_error',
    });
    expect(fake.inFlight).toBe(1);
    const [call] = await fake.waitFor('chat.postMessage');
    // Slack may still have posted the message the client gave up on: the reason sends are not retried blindly.
    expect(call?.ok).toBe(true);
    expect(fake.messages('C1')).toHaveLength(1);
  });
});

describe('fake Slack: history and message metadata', () => {
  const outboxMetadata = (key: string) => ({ event_type: 'pacesetter_outbox', event_payload: { key } });

  it('when a DM carries metadata, then conversations.history of the IM returns it, the payload only with include_all_metadata', async () => {
    const client = await start();
    await client.chat.postMessage({ channel: 'U7', text: 'plain' });
    const posted = await client.chat.postMessage({ channel: 'U7', text: 'tagged', metadata: outboxMetadata('k1') });
    const im = String((await client.conversations.open({ users: 'U7' })).channel?.id);

    const full = await client.conversations.history({ channel: im, include_all_metadata: true });
    const bare = await client.conversations.history({ channel: im });

    expect(full.messages?.map((m) => m.text)).toEqual(['tagged', 'plain']); // newest first
    expect(full.messages?.[0]).toMatchObject({ ts: posted.ts, metadata: outboxMetadata('k1') });
    expect(full.messages?.[1]).not.toHaveProperty('metadata');
    expect(bare.messages?.[0]?.metadata).toEqual({ event_type: 'pacesetter_outbox' });
    expect(fake.messages('DU7')[1]?.metadata).toEqual(outboxMetadata('k1'));
    expect(fake.violations).toEqual([]);
  });

  it('when history is read with oldest and a small limit, then it pages newest first with a cursor, within the bound', async () => {
    const client = await start();
    const ts: string[] = [];
    for (const text of ['a', 'b', 'c', 'd'])
      ts.push(String((await client.chat.postMessage({ channel: 'C1', text })).ts));

    const first = await client.conversations.history({ channel: 'C1', oldest: ts[0], limit: 2 });
    const second = await client.conversations.history({
      channel: 'C1',
      oldest: ts[0],
      limit: 2,
      cursor: first.response_metadata?.next_cursor,
    });

    expect(first.messages?.map((m) => m.text)).toEqual(['d', 'c']);
    expect(first.has_more).toBe(true);
    expect(second.messages?.map((m) => m.text)).toEqual(['b']); // 'a' is at oldest: excluded unless inclusive
    expect(second.has_more).toBe(false);
  });

  it('when a thread has replies, then history shows only its parent and conversations.replies the thread, with metadata', async () => {
    const client = await start();
    const parent = String((await client.chat.postMessage({ channel: 'C1', text: 'parent' })).ts);
    await client.chat.postMessage({ channel: 'C1', text: 'reply', thread_ts: parent, metadata: outboxMetadata('r1') });

    const history = await client.conversations.history({ channel: 'C1' });
    const replies = await client.conversations.replies({ channel: 'C1', ts: parent, include_all_metadata: true });

    expect(history.messages?.map((m) => m.text)).toEqual(['parent']);
    expect(replies.messages?.map((m) => [m.text, m.metadata])).toEqual([
      ['reply', outboxMetadata('r1')],
      ['parent', undefined],
    ]);
  });

  it('when the token lacks a history scope, then reading that kind of conversation answers missing_scope naming it', async () => {
    const client = await start({ scopes: ['chat:write', 'im:history'] });

    expect((await client.conversations.history({ channel: 'DU7' })).ok).toBe(true);
    await expect(client.conversations.history({ channel: 'C1' })).rejects.toMatchObject({
      data: { error: 'missing_scope', needed: 'channels:history' },
    });
    await expect(client.conversations.replies({ channel: 'G1', ts: '1.0' })).rejects.toMatchObject({
      data: { error: 'missing_scope', needed: 'groups:history' },
    });
    fake.setScopes(['channels:history']); // reinstalled with another set
    expect((await client.conversations.history({ channel: 'C1' })).ok).toBe(true);
    await expect(client.conversations.history({ channel: 'DU7' })).rejects.toMatchObject({
      data: { error: 'missing_scope', needed: 'im:history' },
    });
  });

  it('when the bot is not a member of a channel, then posting and reading its history answer not_in_channel', async () => {
    const client = await start();
    fake.setChannel('C_OUT', { notMember: true });

    await expect(client.chat.postMessage({ channel: 'C_OUT', text: 'x' })).rejects.toMatchObject({
      data: { error: 'not_in_channel' },
    });
    await expect(client.conversations.history({ channel: 'C_OUT' })).rejects.toMatchObject({
      data: { error: 'not_in_channel' },
    });
    fake.setChannel('C_OUT', {}); // invited
    expect((await client.chat.postMessage({ channel: 'C_OUT', text: 'x' })).ok).toBe(true);
  });
});

describe('fake Slack: rate limits', () => {
  it('when rate limits are on and two messages go to one channel within a second, then the second gets 429', async () => {
    const client = await start({ rateLimits: true }, { rejectRateLimitedCalls: true });

    await client.chat.postMessage({ channel: 'C1', text: 'one' });
    await expect(client.chat.postMessage({ channel: 'C1', text: 'two' })).rejects.toMatchObject({
      code: 'slack_webapi_rate_limited_error',
      retryAfter: 1,
    });
    expect((await client.chat.postMessage({ channel: 'C2', text: 'other channel' })).ok).toBe(true);
    expect(fake.rateLimited).toBe(1);
  });

  it('when rate limits are off, then many messages to one channel all pass', async () => {
    const client = await start();

    await Promise.all(Array.from({ length: 5 }, (_, i) => client.chat.postMessage({ channel: 'C1', text: `m${i}` })));

    expect(fake.rateLimited).toBe(0);
    expect(fake.messages('C1')).toHaveLength(5);
  });

  it('when a tier limit is exceeded, then the 429 asks to wait until the minute window frees up', async () => {
    const client = await start(
      { rateLimits: { perMinute: { 'conversations.open': 2 } } },
      { rejectRateLimitedCalls: true },
    );

    await client.conversations.open({ users: 'U1' });
    await client.conversations.open({ users: 'U2' });
    const err: unknown = await client.conversations.open({ users: 'U3' }).catch((e: unknown) => e);

    expect(err).toMatchObject({ code: 'slack_webapi_rate_limited_error' });
    const retryAfter = (err as { retryAfter: number }).retryAfter;
    expect(retryAfter).toBeGreaterThanOrEqual(59);
    expect(retryAfter).toBeLessThanOrEqual(60);
  });
});

describe('fake Slack: file uploads', () => {
  it('when a file is uploaded with filesUploadV2, then the fake keeps its bytes and where it was shared', async () => {
    const client = await start();

    const res = await client.filesUploadV2({
      channel_id: 'C1',
      thread_ts: '1700000000.000100',
      initial_comment: 'the digest',
      file: Buffer.from('x'),
      filename: 'a.txt',
    });

    expect(res.ok).toBe(true);
    expect(fake.uploads).toEqual([
      {
        fileId: expect.stringMatching(/^F/),
        filename: 'a.txt',
        title: 'a.txt',
        bytes: Buffer.from('x'),
        channelId: 'C1',
        threadTs: '1700000000.000100',
        initialComment: 'the digest',
      },
    ]);
    expect(fake.calls.map((c) => c.method)).toEqual([
      'files.getUploadURLExternal',
      'upload',
      'files.completeUploadExternal',
    ]);
    expect(fake.violations).toEqual([]);
  });

  it('when completeUploadExternal names a file that was never uploaded, then it fails and records a violation', async () => {
    const client = await start();
    const { file_id } = await client.files.getUploadURLExternal({ filename: 'b.csv', length: 3 });

    await expect(
      client.files.completeUploadExternal({ files: [{ id: String(file_id) }], channel_id: 'C1' }),
    ).rejects.toMatchObject({
      data: { error: 'file_not_found' },
    });
    expect(fake.violations).toEqual([expect.stringContaining('was never uploaded')]);
  });
});
