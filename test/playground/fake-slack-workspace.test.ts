import { afterEach, describe, expect, it } from 'vitest';
import { WebClient } from '@slack/web-api';
import { startFakeSlack, type FakeSlack, type FakeSlackEvent } from '../../src/playground/fake-slack.js';
import { silentSlackLogger } from '../helpers/logs.js';

// What the playground needs of the fake Slack beyond the tests' needs: it draws a workspace from
// what the fake did, so the fake says what it did, answers response_urls where they belong, keeps
// people's files, and survives a restart.

const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });
const modal = (title: string) => ({
  type: 'modal',
  title: { type: 'plain_text', text: title },
  blocks: [section(title)],
});

let fake: FakeSlack;

async function start(): Promise<WebClient> {
  fake = await startFakeSlack();
  return new WebClient(undefined, { slackApiUrl: fake.apiUrl, logger: silentSlackLogger, retryConfig: { retries: 0 } });
}

afterEach(async () => {
  expect(fake.violations).toEqual([]);
  await fake?.close();
});

function postTo(url: string, body: unknown) {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

describe('fake Slack: what the playground draws from', () => {
  it('when messages are posted, edited and deleted, then each is told to a subscriber as it happens', async () => {
    const client = await start();
    // The event carries the fake's own message, which later edits change: what it said is read as it is told.
    const told: string[] = [];
    const unsubscribe = fake.subscribe((e) => {
      if (e.type === 'message') told.push(`${e.change} ${e.message.text} ${e.message.ephemeralTo ?? ''}`);
    });

    const posted = await client.chat.postMessage({ channel: 'C1', text: 'one' });
    await client.chat.update({ channel: 'C1', ts: posted.ts!, text: 'one, edited' });
    await client.chat.postEphemeral({ channel: 'C1', user: 'U1', text: 'only you' });
    await client.chat.delete({ channel: 'C1', ts: posted.ts! });
    unsubscribe();
    await client.chat.postMessage({ channel: 'C1', text: 'not heard' });

    expect(told).toEqual(['posted one ', 'updated one, edited ', 'posted only you U1', 'deleted one, edited ']);
  });

  it('when views are opened, pushed, updated and published, then the subscriber hears the method, the view and the trigger', async () => {
    const client = await start();
    const events: FakeSlackEvent[] = [];
    fake.subscribe((e) => events.push(e));

    const opened = await client.views.open({ trigger_id: 't-1', view: modal('One') as never });
    await client.views.push({ trigger_id: 't-2', view: modal('Two') as never });
    await client.views.update({ view_id: opened.view!.id!, view: modal('One again') as never });
    await client.views.publish({ user_id: 'U1', view: { type: 'home', blocks: [section('home')] } });

    expect(
      events.map((e) => (e.type === 'view' ? [e.method, e.triggerId ?? null, e.view.userId ?? null] : e.type)),
    ).toEqual([
      ['views.open', 't-1', null],
      ['views.push', 't-2', null],
      ['views.update', null, null],
      ['views.publish', null, 'U1'],
    ]);
    expect(fake.view(opened.view!.id!)?.view['title']).toEqual({ type: 'plain_text', text: 'One again' });
  });

  it('when a bound response_url is used, then its answers land where Slack puts them: ephemeral, in the channel, in place of the message, or gone', async () => {
    const client = await start();
    const posted = await client.chat.postMessage({ channel: 'C1', text: 'a reminder' });
    fake.bindResponseUrl('cmd', { channel: 'C1', userId: 'U1' });
    fake.bindResponseUrl('act', { channel: 'C1', userId: 'U1', messageTs: posted.ts! });
    fake.bindResponseUrl('gone', { channel: 'C1', userId: 'U1', messageTs: posted.ts! });

    await postTo(fake.responseUrl('cmd'), { response_type: 'ephemeral', text: 'for you' });
    await postTo(fake.responseUrl('cmd'), { response_type: 'in_channel', text: 'for all' });
    await postTo(fake.responseUrl('act'), { replace_original: true, text: 'replaced' });
    expect(fake.ephemerals('C1').map((m) => [m.text, m.ephemeralTo])).toEqual([['for you', 'U1']]);
    expect(fake.messages('C1').map((m) => [m.text, m.edits])).toEqual([
      ['replaced', 1],
      ['for all', 0],
    ]);

    await postTo(fake.responseUrl('gone'), { delete_original: true });
    expect(fake.messages('C1').map((m) => m.text)).toEqual(['for all']);
    // An id nobody bound is checked and recorded, as before, and puts nothing anywhere.
    await postTo(fake.responseUrl('unbound'), { text: 'nowhere' });
    expect(fake.callsTo('response_url')).toHaveLength(5);
    expect(fake.messages('C1')).toHaveLength(1);
  });

  it('when a response_url replaces an ephemeral message, then the person’s ephemeral is replaced, not a message of the channel', async () => {
    const client = await start();
    await client.chat.postMessage({ channel: 'C1', text: 'everyone sees this' });
    const eph = await client.chat.postEphemeral({ channel: 'C1', user: 'U1', text: 'rankings' });
    fake.bindResponseUrl('r', { channel: 'C1', userId: 'U1', messageTs: String(eph.message_ts), ephemeral: true });

    await postTo(fake.responseUrl('r'), { replace_original: true, text: 'rankings, next page' });

    expect(fake.ephemerals('C1').map((m) => m.text)).toEqual(['rankings, next page']);
    expect(fake.messages('C1').map((m) => m.text)).toEqual(['everyone sees this']);
  });

  it('when a person adds a file and the bot uploads one, then both are found by id, and the upload is told with its ts', async () => {
    const client = await start();
    const events: FakeSlackEvent[] = [];
    fake.subscribe((e) => events.push(e));
    const mine = fake.addFile({ filename: 'photo.png', bytes: Buffer.from('png'), userId: 'U1' });
    await client.filesUploadV2({ channel_id: 'C1', file: Buffer.from('xlsx'), filename: 'export.xlsx' });

    expect(mine.fileId).toMatch(/^F[A-Z0-9]+$/);
    expect(fake.file(mine.fileId)).toMatchObject({ filename: 'photo.png', userId: 'U1' });
    const upload = events.find((e) => e.type === 'upload');
    expect(upload).toMatchObject({ type: 'upload', upload: { filename: 'export.xlsx', channelId: 'C1' } });
    const id = upload?.type === 'upload' ? upload.upload.fileId : '';
    expect(fake.file(id)).toMatchObject({
      filename: 'export.xlsx',
      userId: fake.botUserId,
      bytes: Buffer.from('xlsx'),
    });
    expect(fake.file(id)?.ts).toMatch(/^\d{10}\.\d{6}$/);
    // A person's file is not one the bot uploaded.
    expect(fake.uploads.map((u) => u.filename)).toEqual(['export.xlsx']);
  });

  it('when its snapshot is restored in a new fake, then messages and files are back and new ts come after them', async () => {
    const client = await start();
    await client.chat.postMessage({ channel: 'C1', text: 'kept', metadata: { event_type: 'x', event_payload: {} } });
    await client.filesUploadV2({
      channel_id: 'C1',
      file: Buffer.from('bytes'),
      filename: 'chart.png',
      thread_ts: '1.000100',
    });
    const person = fake.addFile({ filename: 'a.pdf', bytes: Buffer.from('pdf'), userId: 'U1' });
    const snapshot = JSON.parse(JSON.stringify(fake.snapshot())) as ReturnType<FakeSlack['snapshot']>;
    const lastTs = fake.messages('C1')[0]!.ts;
    await fake.close();

    const again = await start();
    fake.restore(snapshot);
    expect(fake.messages('C1').map((m) => m.text)).toEqual(['kept']);
    expect(fake.uploads).toMatchObject([
      { filename: 'chart.png', channelId: 'C1', threadTs: '1.000100', bytes: Buffer.from('bytes') },
    ]);
    expect(fake.file(person.fileId)?.bytes).toEqual(Buffer.from('pdf'));
    const next = await again.chat.postMessage({ channel: 'C1', text: 'new' });
    expect(Number(next.ts)).toBeGreaterThan(Number(lastTs));
    // conversations.history reads the restored messages, as the outbox does when an answer was lost.
    const history = await again.conversations.history({ channel: 'C1', include_all_metadata: true });
    expect(history.messages?.map((m) => m.text)).toEqual(['new', 'kept']);
  });

  it('when a submission is answered with a view to update or push, then it is checked and stored like views.update and views.push', async () => {
    const client = await start();
    const opened = await client.views.open({ trigger_id: 't-1', view: modal('Form') as never });
    const id = opened.view!.id!;

    const updated = fake.answerSubmission(id, { response_action: 'update', view: modal('Saved') });
    const pushed = fake.answerSubmission(id, { response_action: 'push', view: modal('More') });

    expect(updated).toMatchObject({ id, view: { title: { text: 'Saved' } } });
    expect('id' in pushed && pushed.id).not.toBe(id);
    expect('id' in pushed && fake.view(pushed.id)?.view['title']).toEqual({ type: 'plain_text', text: 'More' });
    const tooLong = fake.answerSubmission(id, {
      response_action: 'update',
      view: modal('A title far longer than Slack allows'),
    });
    expect(tooLong).toEqual({ error: 'invalid_arguments' });
    expect(fake.violations).toHaveLength(1);
    expect(fake.violations[0]).toContain('view_submission answer (update)');
    // The view the app broke is the app's mistake, reported above; the test then clears it.
    fake.reset();
  });
});
