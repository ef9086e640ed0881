/**
 * The playground's workspace: who the people are, what each of them sees (DMs, channels, the App
 * Home, the modal stack), and what they do (a slash command, a click, a submission), turned into
 * the signed requests Slack would send the bot. What the bot does back arrives through the fake
 * Slack's Web API, as it would from Slack; the workspace listens to the fake and tells the page.
 */
import { setPersonLocale } from '../../db/queries/people.js';
import { findPersonBySlackId } from '../../db/queries/people.js';
import type { RosterEntry } from '../../db/queries/playground.js';
import type { AppContext } from '../context.js';
import type { Locale } from '../i18n/index.js';
import { findElement, isRecord } from './block-ids.js';
import type { PlaygroundChannel } from './channels.js';
import type { PlaygroundClock } from './clock.js';
import type { FakeFile, FakeMessage, FakeSlack, FakeSlackEvent, FakeView } from './fake-slack.js';
import type { RenderContext } from './render.js';
import type { SlackDriver } from './signed-request.js';
import { actionOf, actsAlone, viewStateValues, type RawValue, type RawValues, type StateLookups } from './state.js';

type Json = Record<string, unknown>;

/** What changed, for the pages listening (server-sent events). */
export type WorkspaceChange =
  | { kind: 'channel'; channel: string }
  | { kind: 'home'; user: string }
  | { kind: 'modal'; user: string }
  | { kind: 'clock' }
  | { kind: 'job'; job: string; lines: string[] }
  | { kind: 'people'; user: string };

export type Surface = { type: 'message'; channel: string; ts: string } | { type: 'view'; viewId: string };

export type ActResult = { ok: true } | { ok: false; error: string };

export type SubmitResult =
  | { outcome: 'closed' | 'updated' | 'pushed' | 'cleared' }
  | { outcome: 'errors'; errors: Record<string, string> }
  | { outcome: 'failed'; error: string };

export interface SlashCommand {
  command: string;
  description: string;
  usageHint: string;
}

export interface WorkspaceDeps {
  fake: FakeSlack;
  driver: SlackDriver;
  ctx: AppContext;
  clock: PlaygroundClock;
  channels: PlaygroundChannel[];
  people: () => Promise<RosterEntry[]>;
  commands: SlashCommand[];
  timezone: string;
  /** A person's Slack language as the workspace keeps it. */
  locales: Map<string, Locale>;
  /** Called after anything the state file keeps has changed. */
  changed: () => void;
}

/** The request's signature is checked against the machine's time, whatever the playground's clock says. */
function signedNow(): { timestamp: number } {
  return { timestamp: Math.floor(Date.now() / 1000) };
}

export function dmChannelOf(userId: string): string {
  return `D${userId}`;
}

export class Workspace {
  readonly channels: PlaygroundChannel[];
  readonly commands: SlashCommand[];
  readonly timezone: string;
  private readonly deps: WorkspaceDeps;
  private readonly listeners = new Set<(change: WorkspaceChange) => void>();
  /** Each person's open modals, the top one last. */
  private readonly stacks = new Map<string, string[]>();
  /** Who a trigger id was given to, so that the view it opens goes to them. */
  private readonly triggers = new Map<string, string>();
  /** A modal's inline errors, from the app's last answer to its submission. */
  private readonly errors = new Map<string, Record<string, string>>();
  private roster: RosterEntry[] = [];
  private seq = 0;
  private readonly unsubscribe: () => void;

  constructor(deps: WorkspaceDeps) {
    this.deps = deps;
    this.channels = deps.channels;
    this.commands = deps.commands;
    this.timezone = deps.timezone;
    this.unsubscribe = deps.fake.subscribe((e) => this.onFake(e));
  }

  close(): void {
    this.unsubscribe();
    this.listeners.clear();
  }

  onChange(listener: (change: WorkspaceChange) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  emit(change: WorkspaceChange): void {
    for (const l of this.listeners) l(change);
  }

  // ---- People ------------------------------------------------------------------

  /** Reads the roster again (an admin may import one into the playground's database) and tells the fake Slack who is who. */
  async refreshPeople(): Promise<RosterEntry[]> {
    this.roster = await this.deps.people();
    for (const p of this.roster) {
      this.deps.fake.setUser(p.slackUserId, {
        real_name: p.name,
        name: p.slackUserId.toLowerCase(),
        locale: this.localeOf(p.slackUserId),
        tz: this.timezone,
      });
    }
    return this.roster;
  }

  people(): RosterEntry[] {
    return this.roster;
  }

  person(userId: string): RosterEntry | undefined {
    return this.roster.find((p) => p.slackUserId === userId);
  }

  localeOf(userId: string): Locale {
    return this.deps.locales.get(userId) ?? this.deps.ctx.config.defaultLocale;
  }

  /** The person changes their Slack language: Slack answers it from now on, and the bot's weekly cache of it is refreshed. */
  async setLocale(userId: string, locale: Locale): Promise<void> {
    const p = this.person(userId);
    if (!p) return;
    this.deps.locales.set(userId, locale);
    this.deps.fake.setUser(userId, { real_name: p.name, name: userId.toLowerCase(), locale, tz: this.timezone });
    // What the bot would store the next time it asked Slack (src/slack/locale.ts), stored now.
    const person = await findPersonBySlackId(this.deps.ctx.db, userId);
    if (person) await setPersonLocale(this.deps.ctx.db, person.id, locale, this.deps.clock.now());
    this.deps.changed();
    this.emit({ kind: 'people', user: userId });
  }

  // ---- What the fake Slack did ----------------------------------------------------

  private userOfView(viewId: string): string | undefined {
    for (const [user, stack] of this.stacks) if (stack.includes(viewId)) return user;
    return undefined;
  }

  private onFake(e: FakeSlackEvent): void {
    if (e.type === 'message') {
      this.emit({ kind: 'channel', channel: e.message.channel });
      this.deps.changed();
    } else if (e.type === 'upload') {
      if (e.upload.channelId) this.emit({ kind: 'channel', channel: e.upload.channelId });
      this.deps.changed();
    } else if (e.type === 'view') {
      const { view } = e;
      if (e.method === 'views.publish' || view.view['type'] === 'home') {
        if (view.userId) this.emit({ kind: 'home', user: view.userId });
        return;
      }
      if (e.method === 'views.open' || e.method === 'views.push') {
        const user = e.triggerId ? this.triggers.get(e.triggerId) : undefined;
        if (!user) return;
        const stack = e.method === 'views.open' ? [] : (this.stacks.get(user) ?? []);
        this.stacks.set(user, [...stack, view.id]);
        this.emit({ kind: 'modal', user });
        return;
      }
      const user = this.userOfView(view.id);
      this.errors.delete(view.id);
      if (user) this.emit({ kind: 'modal', user });
    }
  }

  private trigger(userId: string): string {
    const id = this.deps.driver.newTriggerId();
    this.triggers.set(id, userId);
    // Trigger ids live 3 s at Slack; the map need not keep them for longer than a while.
    if (this.triggers.size > 500) this.triggers.delete(this.triggers.keys().next().value as string);
    return id;
  }

  private responseUrl(target: { channel: string; userId: string; messageTs?: string; ephemeral?: boolean }): string {
    const id = `pg-${++this.seq}`;
    this.deps.fake.bindResponseUrl(id, target);
    return this.deps.fake.responseUrl(id);
  }

  // ---- What a person sees -------------------------------------------------------------

  /** The messages of a channel one person sees: everyone's, and the ephemeral ones to them; oldest first. */
  timeline(userId: string, channel: string): { messages: FakeMessage[]; files: FakeFile[] } {
    const { fake } = this.deps;
    const messages = [
      ...fake.messages(channel),
      ...fake.ephemerals(channel).filter((m) => m.ephemeralTo === userId),
    ].sort((a, b) => Number(a.ts) - Number(b.ts));
    const files = fake.uploads
      .filter((u) => u.channelId === channel)
      .map((u) => fake.file(u.fileId))
      .filter((f): f is FakeFile => f !== undefined);
    return { messages, files };
  }

  /** Where a shared file sits: its thread, if it was shared in one. */
  threadOfFile(fileId: string): string | undefined {
    return this.deps.fake.uploads.find((u) => u.fileId === fileId)?.threadTs;
  }

  /** The comment a file was shared with (Slack shows it as the message's text). */
  uploadComment(fileId: string): string | undefined {
    return this.deps.fake.uploads.find((u) => u.fileId === fileId)?.initialComment;
  }

  home(userId: string): FakeView | undefined {
    return this.deps.fake.homeOf(userId);
  }

  /** The modal on top of a person's stack, with its inline errors. */
  topModal(userId: string): { view: FakeView; errors: Record<string, string>; depth: number } | null {
    const stack = this.stacks.get(userId) ?? [];
    const id = stack.at(-1);
    const view = id ? this.deps.fake.view(id) : undefined;
    if (!id || !view) return null;
    return { view, errors: this.errors.get(id) ?? {}, depth: stack.length };
  }

  renderContext(locale: Locale): RenderContext {
    return {
      locale,
      timezone: this.timezone,
      users: this.roster.map((p) => ({ id: p.slackUserId, name: p.name })),
      channels: this.channels.map((c) => ({ id: c.id, name: c.name })),
      userName: (id) => this.person(id)?.name ?? (id === this.deps.fake.botUserId ? 'Pacesetter' : null),
      channelName: (id) => this.channels.find((c) => c.id === id)?.name ?? null,
      fileUrl: (fileId, filename) => `/playground/files/${encodeURIComponent(fileId)}/${encodeURIComponent(filename)}`,
    };
  }

  file(fileId: string): FakeFile | undefined {
    return this.deps.fake.file(fileId);
  }

  private lookups(): StateLookups {
    return {
      userIds: new Set(this.roster.map((p) => p.slackUserId)),
      channelIds: new Set(this.channels.map((c) => c.id)),
      timezone: this.timezone,
      file: (id) => {
        const f = this.deps.fake.file(id);
        if (!f) return null;
        const ext = f.filename.includes('.') ? (f.filename.split('.').pop() ?? '') : '';
        return {
          id: f.fileId,
          created: Math.floor(Number(f.ts)),
          name: f.filename,
          title: f.title,
          mimetype: mimeOf(f.filename),
          filetype: ext.toLowerCase(),
          user: f.userId,
          size: f.bytes.length,
          url_private: `${this.deps.fake.baseUrl}/files/${f.fileId}/${encodeURIComponent(f.filename)}`,
          permalink: `https://fake-workspace.slack.com/files/${f.userId}/${f.fileId}/${encodeURIComponent(f.filename)}`,
        };
      },
    };
  }

  // ---- What a person does -------------------------------------------------------------

  /** A slash command typed in a channel. Returns an error for a command the app does not have, as Slack would. */
  async command(userId: string, channel: string, text: string): Promise<ActResult> {
    const m = /^\s*(\/\S+)\s*([\s\S]*)$/.exec(text);
    if (!m) return { ok: false, error: 'not_a_command' };
    const command = m[1]!.toLowerCase();
    if (!this.commands.some((c) => c.command === command)) return { ok: false, error: 'unknown_command' };
    const responseUrl = this.responseUrl({ channel, userId });
    const res = await this.deps.driver.command(
      {
        command,
        text: m[2]!.trim(),
        user_id: userId,
        user_name: userId.toLowerCase(),
        channel_id: channel,
        channel_name: channel.startsWith('D')
          ? 'directmessage'
          : (this.channels.find((c) => c.id === channel)?.name ?? ''),
        trigger_id: this.trigger(userId),
        response_url: responseUrl,
      },
      signedNow(),
    );
    if (res.status !== 200) return { ok: false, error: `dispatch_failed (HTTP ${res.status})` };
    // An answer in the acknowledgement itself is shown as Slack shows it: to the person, in the channel.
    if (res.body.trim() !== '') {
      const body = parseJson(res.body);
      if (isRecord(body)) await fetch(responseUrl, postJson(body));
    }
    return { ok: true };
  }

  /** The person opens the App Home (`tab: 'home'`) or the DM with the bot (`messages`): Slack tells the app. */
  async openAppTab(userId: string, tab: 'home' | 'messages'): Promise<ActResult> {
    const home = this.deps.fake.homeOf(userId);
    const res = await this.deps.driver.event(
      {
        type: 'app_home_opened',
        user: userId,
        channel: dmChannelOf(userId),
        tab,
        ...(tab === 'home' && home ? { view: { id: home.id, hash: home.hash, ...home.view } } : {}),
      },
      signedNow(),
    );
    return res.status === 200 ? { ok: true } : { ok: false, error: `HTTP ${res.status}` };
  }

  /**
   * A button pressed or an element changed, in a message or a view (a modal, the App Home). The
   * element is looked up in what the bot sent; `raw` is its new value, `values` what the surface's
   * other elements hold (Slack sends them as the view's or message's state).
   */
  async act(
    userId: string,
    surface: Surface,
    blockId: string,
    actionId: string,
    raw: RawValue,
    values: RawValues,
  ): Promise<ActResult> {
    const lookups = this.lookups();
    if (surface.type === 'message') {
      const message = this.deps.fake
        .messages(surface.channel)
        .concat(this.deps.fake.ephemerals(surface.channel).filter((m) => m.ephemeralTo === userId))
        .find((m) => m.ts === surface.ts);
      if (!message) return { ok: false, error: 'message_not_found' };
      const placed = findElement(message.blocks, blockId, actionId);
      if (!placed || !actsAlone(placed)) return { ok: false, error: 'element_not_found' };
      const ephemeral = message.ephemeralTo !== undefined;
      const channel = this.channels.find((c) => c.id === surface.channel);
      const res = await this.deps.driver.blockAction(
        {
          user_id: userId,
          actions: [actionOf(placed, raw, lookups)],
          channel: { id: surface.channel, name: channel?.name ?? 'directmessage' },
          container: {
            type: 'message',
            message_ts: message.ts,
            channel_id: surface.channel,
            is_ephemeral: ephemeral,
          },
          message: {
            ts: message.ts,
            text: message.text ?? '',
            ...(message.blocks ? { blocks: message.blocks } : {}),
            ...(message.threadTs ? { thread_ts: message.threadTs } : {}),
          },
          state: { values: viewStateValues(message.blocks, values, lookups) },
          trigger_id: this.trigger(userId),
          response_url: this.responseUrl({ channel: surface.channel, userId, messageTs: message.ts, ephemeral }),
        },
        signedNow(),
      );
      return res.status === 200 ? { ok: true } : { ok: false, error: `HTTP ${res.status}` };
    }
    const view = this.deps.fake.view(surface.viewId);
    if (!view) return { ok: false, error: 'view_not_found' };
    const placed = findElement(view.view['blocks'], blockId, actionId);
    if (!placed || !actsAlone(placed)) return { ok: false, error: 'element_not_found' };
    const res = await this.deps.driver.blockAction(
      {
        user_id: userId,
        actions: [actionOf(placed, raw, lookups)],
        view: this.viewPayload(view, viewStateValues(view.view['blocks'], values, lookups)),
        trigger_id: this.trigger(userId),
      },
      signedNow(),
    );
    return res.status === 200 ? { ok: true } : { ok: false, error: `HTTP ${res.status}` };
  }

  private viewPayload(view: FakeView, values: Record<string, Record<string, Json>>) {
    const v = view.view;
    const stack = this.stacks.get(this.userOfView(view.id) ?? '') ?? [];
    const index = stack.indexOf(view.id);
    return {
      id: view.id,
      type: String(v['type'] ?? 'modal'),
      hash: view.hash,
      callback_id: typeof v['callback_id'] === 'string' ? v['callback_id'] : '',
      private_metadata: typeof v['private_metadata'] === 'string' ? v['private_metadata'] : '',
      external_id: typeof v['external_id'] === 'string' ? v['external_id'] : '',
      blocks: Array.isArray(v['blocks']) ? v['blocks'] : [],
      ...(v['title'] !== undefined ? { title: v['title'] } : {}),
      ...(v['submit'] !== undefined ? { submit: v['submit'] } : {}),
      ...(v['close'] !== undefined ? { close: v['close'] } : {}),
      notify_on_close: v['notify_on_close'] === true,
      clear_on_close: v['clear_on_close'] === true,
      root_view_id: stack[0] ?? view.id,
      previous_view_id: index > 0 ? (stack[index - 1] ?? null) : null,
      state: { values },
    };
  }

  /** The person submits the modal on top of their stack; the app's answer decides what the modal does next. */
  async submit(userId: string, viewId: string, values: RawValues): Promise<SubmitResult> {
    const stack = this.stacks.get(userId) ?? [];
    if (stack.at(-1) !== viewId) return { outcome: 'failed', error: 'not_the_open_modal' };
    const view = this.deps.fake.view(viewId);
    if (!view) return { outcome: 'failed', error: 'view_not_found' };
    const payload = this.viewPayload(view, viewStateValues(view.view['blocks'], values, this.lookups()));
    const res = await this.deps.driver.viewSubmission(
      { user_id: userId, view: { ...payload, callback_id: payload.callback_id }, trigger_id: this.trigger(userId) },
      signedNow(),
    );
    if (res.status !== 200) return { outcome: 'failed', error: `HTTP ${res.status}` };
    const answer = res.body.trim() === '' ? {} : parseJson(res.body);
    if (!isRecord(answer)) return { outcome: 'failed', error: 'invalid_answer' };
    const action = answer['response_action'];
    if (action === 'errors') {
      const errors = isRecord(answer['errors'])
        ? Object.fromEntries(Object.entries(answer['errors']).map(([k, v]) => [k, String(v)]))
        : {};
      this.errors.set(viewId, errors);
      return { outcome: 'errors', errors };
    }
    if (action === 'update' || action === 'push') {
      const stored = this.deps.fake.answerSubmission(viewId, { response_action: action, view: answer['view'] });
      if ('error' in stored) return { outcome: 'failed', error: stored.error };
      if (action === 'push') this.stacks.set(userId, [...stack, stored.id]);
      this.errors.delete(viewId);
      this.emit({ kind: 'modal', user: userId });
      return { outcome: action === 'push' ? 'pushed' : 'updated' };
    }
    if (action === 'clear') {
      this.stacks.delete(userId);
      this.emit({ kind: 'modal', user: userId });
      return { outcome: 'cleared' };
    }
    this.pop(userId, viewId);
    return { outcome: 'closed' };
  }

  /** The person closes the modal on top (Close: back to the one under it) or all of them (the ×). */
  async closeModal(userId: string, viewId: string, all: boolean): Promise<ActResult> {
    const stack = this.stacks.get(userId) ?? [];
    if (!stack.includes(viewId)) return { ok: false, error: 'not_the_open_modal' };
    const closing = all ? [...stack] : [viewId];
    if (all) this.stacks.delete(userId);
    else this.pop(userId, viewId);
    for (const id of closing) {
      const view = this.deps.fake.view(id);
      if (view?.view['notify_on_close'] !== true) continue;
      const payload = this.viewPayload(view, viewStateValues(view.view['blocks'], {}, this.lookups()));
      await this.deps.driver.viewClosed({ user_id: userId, view: payload, is_cleared: all }, signedNow());
    }
    this.emit({ kind: 'modal', user: userId });
    return { ok: true };
  }

  private pop(userId: string, viewId: string): void {
    const stack = (this.stacks.get(userId) ?? []).filter((id) => id !== viewId);
    if (stack.length > 0) this.stacks.set(userId, stack);
    else this.stacks.delete(userId);
    this.errors.delete(viewId);
    this.emit({ kind: 'modal', user: userId });
  }

  /** A file the person picked in a file input: Slack stores it and gives it an id. */
  upload(userId: string, filename: string, bytes: Buffer): FakeFile {
    const file = this.deps.fake.addFile({ filename, bytes, userId });
    this.deps.changed();
    return file;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function postJson(body: unknown): RequestInit {
  return { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

const MIME: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  svg: 'image/svg+xml',
  pdf: 'application/pdf',
  txt: 'text/plain',
  csv: 'text/csv',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  doc: 'application/msword',
  xls: 'application/vnd.ms-excel',
  zip: 'application/zip',
};

export function mimeOf(filename: string): string {
  const ext = filename.includes('.') ? (filename.split('.').pop() ?? '').toLowerCase() : '';
  return MIME[ext] ?? 'application/octet-stream';
}
