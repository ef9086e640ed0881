/**
 * What Slack sends about an element when a person acts on it or submits its modal: the page sends
 * only the raw values it holds (the text typed, the option values chosen, the file ids), and these
 * are turned into Slack's shapes from the element the bot sent, as Slack's servers do. A value
 * the element could not have produced (an option it does not offer, a user not in the workspace)
 * is dropped, as Slack's client could never send it.
 */
import { DateTime } from 'luxon';
import { z } from 'zod';
import { isRecord, placedElements, type PlacedElement } from './block-ids.js';

type Json = Record<string, unknown>;

/** What the page holds for one element: text, one choice, several choices or file ids. */
export type RawValue = string | string[] | null;

export const RawValueSchema = z.union([z.string().max(20_000), z.array(z.string().max(3000)).max(100), z.null()]);
export const RawValuesSchema = z.record(z.string().max(255), z.record(z.string().max(255), RawValueSchema));
export type RawValues = z.infer<typeof RawValuesSchema>;

export interface StateLookups {
  userIds: ReadonlySet<string>;
  channelIds: ReadonlySet<string>;
  /** A file a person uploaded in the playground, as Slack describes a file in a file_input's state. */
  file(id: string): Json | null;
  timezone: string;
}

function options(el: Json): Json[] {
  const direct = Array.isArray(el['options']) ? el['options'].filter(isRecord) : [];
  const grouped = Array.isArray(el['option_groups'])
    ? el['option_groups']
        .filter(isRecord)
        .flatMap((g) => (Array.isArray(g['options']) ? g['options'].filter(isRecord) : []))
    : [];
  const initial = [el['initial_option'], ...(Array.isArray(el['initial_options']) ? el['initial_options'] : [])].filter(
    isRecord,
  );
  // An external select offers what the app suggested; only its initial options are known here.
  return String(el['type']).includes('external') ? initial : [...direct, ...grouped];
}

function optionOf(el: Json, value: string): Json | null {
  const found = options(el).find((o) => o['value'] === value);
  if (!found) return null;
  // Slack sends the option as the element holds it (its text and value; a description when it has one).
  return { ...found };
}

function list(raw: RawValue | undefined): string[] {
  if (raw === null || raw === undefined) return [];
  return Array.isArray(raw) ? raw : raw === '' ? [] : [raw];
}

function one(raw: RawValue | undefined): string | null {
  const values = list(raw);
  return values[0] ?? null;
}

/** The element's own initial value, as the page would hold it untouched. */
export function initialRaw(el: Json, timezone: string): RawValue {
  const type = String(el['type']);
  const optionValues = (key: string) =>
    (Array.isArray(el[key]) ? el[key] : []).filter(isRecord).map((o) => String(o['value'] ?? ''));
  switch (type) {
    case 'static_select':
    case 'external_select':
    case 'radio_buttons':
      return isRecord(el['initial_option']) ? String(el['initial_option']['value'] ?? '') : null;
    case 'multi_static_select':
    case 'multi_external_select':
    case 'checkboxes':
      return optionValues('initial_options');
    case 'users_select':
      return typeof el['initial_user'] === 'string' ? el['initial_user'] : null;
    case 'multi_users_select':
      return Array.isArray(el['initial_users']) ? el['initial_users'].map(String) : [];
    case 'conversations_select':
      return typeof el['initial_conversation'] === 'string' ? el['initial_conversation'] : null;
    case 'multi_conversations_select':
      return Array.isArray(el['initial_conversations']) ? el['initial_conversations'].map(String) : [];
    case 'channels_select':
      return typeof el['initial_channel'] === 'string' ? el['initial_channel'] : null;
    case 'multi_channels_select':
      return Array.isArray(el['initial_channels']) ? el['initial_channels'].map(String) : [];
    case 'datepicker':
      return typeof el['initial_date'] === 'string' ? el['initial_date'] : null;
    case 'timepicker':
      return typeof el['initial_time'] === 'string' ? el['initial_time'] : null;
    case 'datetimepicker':
      return typeof el['initial_date_time'] === 'number'
        ? DateTime.fromSeconds(el['initial_date_time'], { zone: timezone }).toFormat("yyyy-MM-dd'T'HH:mm")
        : null;
    case 'plain_text_input':
    case 'number_input':
    case 'email_text_input':
    case 'url_text_input':
      return typeof el['initial_value'] === 'string' ? el['initial_value'] : null;
    case 'file_input':
      return [];
    default:
      return null;
  }
}

/** The typed value Slack gives for an element (`selected_option`, `value`, `files` …), without its type. */
export function typedValue(el: Json, raw: RawValue | undefined, lookups: StateLookups): Json | null {
  const type = String(el['type']);
  switch (type) {
    case 'static_select':
    case 'external_select':
    case 'radio_buttons': {
      const value = one(raw);
      return { selected_option: value === null ? null : optionOf(el, value) };
    }
    case 'overflow': {
      const value = one(raw);
      return { selected_option: value === null ? null : optionOf(el, value) };
    }
    case 'multi_static_select':
    case 'multi_external_select':
    case 'checkboxes':
      return {
        selected_options: list(raw)
          .map((v) => optionOf(el, v))
          .filter((o): o is Json => o !== null),
      };
    case 'users_select': {
      const value = one(raw);
      return { selected_user: value !== null && lookups.userIds.has(value) ? value : null };
    }
    case 'multi_users_select':
      return { selected_users: list(raw).filter((v) => lookups.userIds.has(v)) };
    case 'conversations_select': {
      const value = one(raw);
      return { selected_conversation: value !== null && lookups.channelIds.has(value) ? value : null };
    }
    case 'multi_conversations_select':
      return { selected_conversations: list(raw).filter((v) => lookups.channelIds.has(v)) };
    case 'channels_select': {
      const value = one(raw);
      return { selected_channel: value !== null && lookups.channelIds.has(value) ? value : null };
    }
    case 'multi_channels_select':
      return { selected_channels: list(raw).filter((v) => lookups.channelIds.has(v)) };
    case 'datepicker': {
      const value = one(raw);
      return { selected_date: value !== null && /^\d{4}-\d{2}-\d{2}$/.test(value) ? value : null };
    }
    case 'timepicker': {
      const value = one(raw);
      return { selected_time: value !== null && /^([01]\d|2[0-3]):[0-5]\d$/.test(value) ? value : null };
    }
    case 'datetimepicker': {
      const value = one(raw);
      const at = value === null ? null : DateTime.fromISO(value, { zone: lookups.timezone });
      return { selected_date_time: at?.isValid ? Math.floor(at.toSeconds()) : null };
    }
    case 'plain_text_input':
    case 'number_input':
    case 'email_text_input':
    case 'url_text_input': {
      const value = typeof raw === 'string' ? raw : null;
      return { value: value === '' ? null : value };
    }
    case 'rich_text_input': {
      const value = typeof raw === 'string' ? raw : '';
      return {
        rich_text_value: {
          type: 'rich_text',
          elements: [{ type: 'rich_text_section', elements: value ? [{ type: 'text', text: value }] : [] }],
        },
      };
    }
    case 'file_input':
      return {
        files: list(raw)
          .map((id) => lookups.file(id))
          .filter((f): f is Json => f !== null),
      };
    default:
      // Buttons, images and what a person cannot fill in hold no state.
      return null;
  }
}

/** A view's `state.values`: every element that holds a value, keyed by block_id then action_id. */
export function viewStateValues(
  blocks: unknown,
  raw: RawValues,
  lookups: StateLookups,
): Record<string, Record<string, Json>> {
  const values: Record<string, Record<string, Json>> = {};
  for (const p of placedElements(blocks)) {
    const given = raw[p.blockId]?.[p.actionId];
    const value = typedValue(p.element, given === undefined ? initialRaw(p.element, lookups.timezone) : given, lookups);
    if (value === null) continue;
    (values[p.blockId] ??= {})[p.actionId] = { type: String(p.element['type']), ...value };
  }
  return values;
}

/** The `actions[0]` of a block_actions payload for a pressed button or a changed element. */
export function actionOf(
  placed: PlacedElement,
  raw: RawValue | undefined,
  lookups: StateLookups,
): Json & { type: string; action_id: string; block_id: string } {
  const el = placed.element;
  const type = String(el['type']);
  const base = { type, action_id: placed.actionId, block_id: placed.blockId };
  if (type === 'button' || type === 'workflow_button') {
    return {
      ...base,
      text: el['text'],
      ...(typeof el['value'] === 'string' ? { value: el['value'] } : {}),
      ...(typeof el['style'] === 'string' ? { style: el['style'] } : {}),
      ...(typeof el['url'] === 'string' ? { url: el['url'] } : {}),
    };
  }
  return {
    ...base,
    ...(typedValue(el, raw, lookups) ?? {}),
    ...(isRecord(el['placeholder']) ? { placeholder: el['placeholder'] } : {}),
  };
}

/** Whether a page may act on this element by itself (not an input waiting for the modal's submission). */
export function actsAlone(placed: PlacedElement): boolean {
  return placed.place !== 'input' || placed.dispatch;
}
