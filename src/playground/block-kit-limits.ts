/**
 * Slack's Block Kit limits as a pure validator, so the fake Web API and any
 * test can check a rendered message or view without a network.
 *
 * Each violation is one string, `<what is wrong> [json-pointer:<path>]`, the
 * way Slack words its own `response_metadata.messages` so a failing test
 * points at the offending block.
 *
 * Lengths are counted in UTF-16 code units (JS `.length`), which is never less
 * than the code points Slack counts: a payload that passes here fits Slack.
 */

export type BlockKitKind = 'message' | 'modal' | 'home';

/** Published Block Kit limits (https://docs.slack.dev/reference/block-kit). */
export const BLOCK_KIT_LIMITS = {
  messageBlocks: 50,
  viewBlocks: 100,
  messageText: 40_000,
  sectionText: 3000,
  sectionFields: 10,
  sectionFieldText: 2000,
  headerText: 150,
  buttonText: 75,
  buttonValue: 2000,
  url: 3000,
  actionId: 255,
  blockId: 255,
  selectOptions: 100,
  selectOptionGroups: 100,
  optionText: 75,
  optionValue: 150,
  optionDescription: 75,
  optionGroupLabel: 75,
  overflowOptions: 5,
  radioOptions: 10,
  checkboxOptions: 10,
  placeholder: 150,
  actionsElements: 25,
  contextElements: 10,
  inputLabel: 2000,
  inputHint: 2000,
  plainTextInputLength: 3000,
  imageAltText: 2000,
  imageTitle: 2000,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
  modalTitle: 24,
  modalSubmit: 24,
  modalClose: 24,
  callbackId: 255,
  externalId: 255,
  privateMetadata: 3000,
} as const;

const L = BLOCK_KIT_LIMITS;

const BLOCK_TYPES = new Set([
  'section',
  'divider',
  'image',
  'actions',
  'context',
  'input',
  'header',
  'rich_text',
  'markdown',
  'file',
  'video',
  'table',
  'context_actions',
]);

const SELECT_TYPES = new Set([
  'static_select',
  'external_select',
  'users_select',
  'conversations_select',
  'channels_select',
  'multi_static_select',
  'multi_external_select',
  'multi_users_select',
  'multi_conversations_select',
  'multi_channels_select',
]);

/** Elements that only make sense inside an `input` block. */
export const INPUT_ONLY_TYPES = new Set([
  'plain_text_input',
  'number_input',
  'email_text_input',
  'url_text_input',
  'file_input',
  'rich_text_input',
]);

const INTERACTIVE_TYPES = new Set([
  'button',
  'overflow',
  'checkboxes',
  'radio_buttons',
  'datepicker',
  'timepicker',
  'datetimepicker',
  'workflow_button',
  ...SELECT_TYPES,
]);

/**
 * Every block and element type this validator lets through, so that a renderer of Block Kit (the
 * playground's) can be checked against the same list: what the bot may send, it must draw.
 */
export const BLOCK_KIT_TYPES: { readonly blocks: readonly string[]; readonly elements: readonly string[] } = {
  blocks: [...BLOCK_TYPES],
  elements: [...INTERACTIVE_TYPES, ...INPUT_ONLY_TYPES, 'image'],
};

type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

class Collector {
  readonly errors: string[] = [];
  add(path: string, message: string): void {
    this.errors.push(`${message} [json-pointer:${path}]`);
  }
}

interface TextRule {
  name: string;
  max: number;
  /** Slack rejects empty text objects ("must be more than 0 characters"). */
  min?: number;
  plainOnly?: boolean;
}

function checkText(c: Collector, value: unknown, path: string, rule: TextRule): void {
  if (!isRecord(value)) {
    c.add(path, `${rule.name} must be a text object`);
    return;
  }
  const type = value['type'];
  if (rule.plainOnly ? type !== 'plain_text' : type !== 'plain_text' && type !== 'mrkdwn') {
    c.add(
      `${path}/type`,
      `${rule.name} must be ${rule.plainOnly ? 'plain_text' : 'plain_text or mrkdwn'}, got ${String(type)}`,
    );
  }
  const text = value['text'];
  if (typeof text !== 'string') {
    c.add(`${path}/text`, `${rule.name} must have a string text`);
    return;
  }
  const min = rule.min ?? 1;
  if (text.length < min) {
    c.add(`${path}/text`, `${rule.name} must be more than ${min - 1} characters`);
  }
  if (text.length > rule.max) {
    c.add(`${path}/text`, `${rule.name} is ${text.length} characters, limit ${rule.max}`);
  }
}

function checkString(c: Collector, value: unknown, path: string, name: string, max: number, required = false): void {
  if (value === undefined || value === null) {
    if (required) c.add(path, `${name} is required`);
    return;
  }
  if (typeof value !== 'string') {
    c.add(path, `${name} must be a string`);
    return;
  }
  if (value.length > max) c.add(path, `${name} is ${value.length} characters, limit ${max}`);
}

function checkArray(c: Collector, value: unknown, path: string, name: string, min: number, max: number): unknown[] {
  if (!Array.isArray(value)) {
    c.add(path, `${name} must be an array`);
    return [];
  }
  if (value.length < min) c.add(path, `${name} has ${value.length} items, needs at least ${min}`);
  if (value.length > max) c.add(path, `${name} has ${value.length} items, limit ${max}`);
  return value;
}

function checkConfirm(c: Collector, value: unknown, path: string): void {
  if (value === undefined) return;
  if (!isRecord(value)) {
    c.add(path, 'confirm must be a confirmation dialog object');
    return;
  }
  checkText(c, value['title'], `${path}/title`, { name: 'confirm title', max: L.confirmTitle, plainOnly: true });
  checkText(c, value['text'], `${path}/text`, { name: 'confirm text', max: L.confirmText });
  checkText(c, value['confirm'], `${path}/confirm`, { name: 'confirm button', max: L.confirmButton, plainOnly: true });
  checkText(c, value['deny'], `${path}/deny`, { name: 'deny button', max: L.confirmButton, plainOnly: true });
}

interface OptionRule {
  plainOnly: boolean;
}

function checkOption(c: Collector, value: unknown, path: string, rule: OptionRule): string | undefined {
  if (!isRecord(value)) {
    c.add(path, 'option must be an option object');
    return undefined;
  }
  checkText(c, value['text'], `${path}/text`, { name: 'option text', max: L.optionText, plainOnly: rule.plainOnly });
  checkString(c, value['value'], `${path}/value`, 'option value', L.optionValue);
  if (value['description'] !== undefined) {
    checkText(c, value['description'], `${path}/description`, {
      name: 'option description',
      max: L.optionDescription,
      plainOnly: rule.plainOnly,
    });
  }
  return typeof value['value'] === 'string' ? value['value'] : undefined;
}

function checkOptions(c: Collector, value: unknown, path: string, max: number, rule: OptionRule, min = 1): Set<string> {
  const values = new Set<string>();
  checkArray(c, value, path, 'options', min, max).forEach((option, i) => {
    const v = checkOption(c, option, `${path}/${i}`, rule);
    if (v !== undefined) values.add(v);
  });
  return values;
}

function checkInitialOptions(c: Collector, el: Json, path: string, known: Set<string>): void {
  const initial: Array<[unknown, string]> = [];
  if (el['initial_option'] !== undefined) initial.push([el['initial_option'], `${path}/initial_option`]);
  if (Array.isArray(el['initial_options'])) {
    el['initial_options'].forEach((o, i) => initial.push([o, `${path}/initial_options/${i}`]));
  }
  for (const [option, p] of initial) {
    const value = isRecord(option) ? option['value'] : undefined;
    if (typeof value !== 'string' || !known.has(value)) {
      c.add(p, `initial option ${JSON.stringify(value)} is not one of the options`);
    }
  }
}

function checkPlaceholder(c: Collector, el: Json, path: string): void {
  if (el['placeholder'] !== undefined) {
    checkText(c, el['placeholder'], `${path}/placeholder`, {
      name: 'placeholder',
      max: L.placeholder,
      plainOnly: true,
    });
  }
}

function checkSelect(c: Collector, el: Json, path: string, type: string): void {
  checkPlaceholder(c, el, path);
  if (type !== 'static_select' && type !== 'multi_static_select') return;
  const hasOptions = el['options'] !== undefined;
  const hasGroups = el['option_groups'] !== undefined;
  if (hasOptions === hasGroups) {
    c.add(path, `${type} needs exactly one of options or option_groups`);
  }
  const known = new Set<string>();
  if (hasOptions) {
    for (const v of checkOptions(c, el['options'], `${path}/options`, L.selectOptions, { plainOnly: true }))
      known.add(v);
  }
  if (hasGroups) {
    const groups = checkArray(
      c,
      el['option_groups'],
      `${path}/option_groups`,
      'option_groups',
      1,
      L.selectOptionGroups,
    );
    groups.forEach((group, g) => {
      const gp = `${path}/option_groups/${g}`;
      if (!isRecord(group)) {
        c.add(gp, 'option group must be an object');
        return;
      }
      checkText(c, group['label'], `${gp}/label`, {
        name: 'option group label',
        max: L.optionGroupLabel,
        plainOnly: true,
      });
      for (const v of checkOptions(c, group['options'], `${gp}/options`, L.selectOptions, { plainOnly: true }))
        known.add(v);
    });
  }
  checkInitialOptions(c, el, path, known);
}

function checkElement(
  c: Collector,
  el: unknown,
  path: string,
  where: 'actions' | 'accessory' | 'input',
): string | undefined {
  if (!isRecord(el)) {
    c.add(path, 'element must be an object');
    return undefined;
  }
  const type = el['type'];
  if (typeof type !== 'string') {
    c.add(`${path}/type`, 'element must have a type');
    return undefined;
  }
  const known = INTERACTIVE_TYPES.has(type) || INPUT_ONLY_TYPES.has(type) || type === 'image';
  if (!known) {
    c.add(`${path}/type`, `unknown element type ${type}`);
    return undefined;
  }
  if (where === 'actions' && !INTERACTIVE_TYPES.has(type)) {
    c.add(`${path}/type`, `${type} is not allowed in an actions block`);
  }
  if (where === 'accessory' && INPUT_ONLY_TYPES.has(type)) {
    c.add(`${path}/type`, `${type} is not allowed as a section accessory`);
  }
  if (
    where === 'input' &&
    (type === 'button' || type === 'overflow' || type === 'image' || type === 'workflow_button')
  ) {
    c.add(`${path}/type`, `${type} is not allowed in an input block`);
  }

  const actionId = el['action_id'];
  checkString(c, actionId, `${path}/action_id`, 'action_id', L.actionId);
  checkConfirm(c, el['confirm'], `${path}/confirm`);

  switch (type) {
    case 'button':
      checkText(c, el['text'], `${path}/text`, { name: 'button text', max: L.buttonText, plainOnly: true });
      checkString(c, el['value'], `${path}/value`, 'button value', L.buttonValue);
      checkString(c, el['url'], `${path}/url`, 'button url', L.url);
      if (el['style'] !== undefined && el['style'] !== 'primary' && el['style'] !== 'danger') {
        c.add(`${path}/style`, `button style must be primary or danger, got ${String(el['style'])}`);
      }
      break;
    case 'overflow':
      checkOptions(c, el['options'], `${path}/options`, L.overflowOptions, { plainOnly: true });
      break;
    case 'radio_buttons':
      checkInitialOptions(
        c,
        el,
        path,
        checkOptions(c, el['options'], `${path}/options`, L.radioOptions, { plainOnly: false }),
      );
      break;
    case 'checkboxes':
      checkInitialOptions(
        c,
        el,
        path,
        checkOptions(c, el['options'], `${path}/options`, L.checkboxOptions, { plainOnly: false }),
      );
      break;
    case 'datepicker':
      checkPlaceholder(c, el, path);
      if (
        el['initial_date'] !== undefined &&
        !(typeof el['initial_date'] === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(el['initial_date']))
      ) {
        c.add(`${path}/initial_date`, `initial_date must be YYYY-MM-DD, got ${JSON.stringify(el['initial_date'])}`);
      }
      break;
    case 'timepicker':
      checkPlaceholder(c, el, path);
      if (
        el['initial_time'] !== undefined &&
        !(typeof el['initial_time'] === 'string' && /^([01]\d|2[0-3]):[0-5]\d$/.test(el['initial_time']))
      ) {
        c.add(`${path}/initial_time`, `initial_time must be HH:mm, got ${JSON.stringify(el['initial_time'])}`);
      }
      break;
    case 'plain_text_input': {
      checkPlaceholder(c, el, path);
      const min = el['min_length'];
      const max = el['max_length'];
      if (typeof min === 'number' && (min < 0 || min > L.plainTextInputLength)) {
        c.add(`${path}/min_length`, `min_length must be 0..${L.plainTextInputLength}`);
      }
      if (typeof max === 'number' && (max < 1 || max > L.plainTextInputLength)) {
        c.add(`${path}/max_length`, `max_length must be 1..${L.plainTextInputLength}`);
      }
      const initial = el['initial_value'];
      if (typeof initial === 'string' && typeof max === 'number' && initial.length > max) {
        c.add(`${path}/initial_value`, `initial_value is ${initial.length} characters, longer than max_length ${max}`);
      }
      break;
    }
    case 'image':
      checkString(c, el['image_url'], `${path}/image_url`, 'image_url', L.url);
      checkString(c, el['alt_text'], `${path}/alt_text`, 'alt_text', L.imageAltText, true);
      break;
    default:
      if (SELECT_TYPES.has(type)) checkSelect(c, el, path, type);
      else checkPlaceholder(c, el, path);
  }
  return typeof actionId === 'string' ? actionId : undefined;
}

function checkBlock(c: Collector, block: unknown, path: string, kind: BlockKitKind, blockIds: Set<string>): boolean {
  if (!isRecord(block)) {
    c.add(path, 'block must be an object');
    return false;
  }
  const type = block['type'];
  if (typeof type !== 'string' || !BLOCK_TYPES.has(type)) {
    c.add(`${path}/type`, `unknown block type ${String(type)}`);
    return false;
  }
  const blockId = block['block_id'];
  checkString(c, blockId, `${path}/block_id`, 'block_id', L.blockId);
  if (typeof blockId === 'string') {
    if (blockIds.has(blockId)) c.add(`${path}/block_id`, `duplicate block_id ${JSON.stringify(blockId)}`);
    blockIds.add(blockId);
  }

  const actionIds = new Set<string>();
  const element = (el: unknown, p: string, where: 'actions' | 'accessory' | 'input'): void => {
    const id = checkElement(c, el, p, where);
    if (id === undefined) return;
    if (actionIds.has(id)) c.add(`${p}/action_id`, `duplicate action_id ${JSON.stringify(id)} in one block`);
    actionIds.add(id);
  };

  switch (type) {
    case 'section': {
      const text = block['text'];
      const fields = block['fields'];
      if (text === undefined && fields === undefined) c.add(path, 'section needs text or fields');
      if (text !== undefined) checkText(c, text, `${path}/text`, { name: 'section text', max: L.sectionText });
      if (fields !== undefined) {
        checkArray(c, fields, `${path}/fields`, 'section fields', 1, L.sectionFields).forEach((f, i) =>
          checkText(c, f, `${path}/fields/${i}`, { name: 'section field', max: L.sectionFieldText }),
        );
      }
      if (block['accessory'] !== undefined) element(block['accessory'], `${path}/accessory`, 'accessory');
      break;
    }
    case 'header':
      checkText(c, block['text'], `${path}/text`, { name: 'header text', max: L.headerText, plainOnly: true });
      break;
    case 'actions':
      checkArray(c, block['elements'], `${path}/elements`, 'actions elements', 1, L.actionsElements).forEach((el, i) =>
        element(el, `${path}/elements/${i}`, 'actions'),
      );
      break;
    case 'context':
      checkArray(c, block['elements'], `${path}/elements`, 'context elements', 1, L.contextElements).forEach(
        (el, i) => {
          const p = `${path}/elements/${i}`;
          if (isRecord(el) && el['type'] === 'image') {
            checkElement(c, el, p, 'accessory');
          } else {
            checkText(c, el, p, { name: 'context text', max: L.sectionText });
          }
        },
      );
      break;
    case 'input':
      checkText(c, block['label'], `${path}/label`, { name: 'input label', max: L.inputLabel, plainOnly: true });
      if (block['hint'] !== undefined) {
        checkText(c, block['hint'], `${path}/hint`, { name: 'input hint', max: L.inputHint, plainOnly: true });
      }
      if (block['element'] === undefined) c.add(`${path}/element`, 'input block needs an element');
      else element(block['element'], `${path}/element`, 'input');
      break;
    case 'image':
      if (block['image_url'] === undefined && block['slack_file'] === undefined) {
        c.add(path, 'image block needs image_url or slack_file');
      }
      checkString(c, block['image_url'], `${path}/image_url`, 'image_url', L.url);
      checkString(c, block['alt_text'], `${path}/alt_text`, 'alt_text', L.imageAltText, true);
      if (block['title'] !== undefined) {
        checkText(c, block['title'], `${path}/title`, { name: 'image title', max: L.imageTitle, plainOnly: true });
      }
      break;
    case 'file':
      if (kind !== 'message') c.add(`${path}/type`, 'file blocks are only allowed in messages');
      break;
    default:
      break;
  }
  return type === 'input';
}

function checkBlocks(
  c: Collector,
  blocks: unknown,
  path: string,
  kind: BlockKitKind,
  max: number,
): { hasInput: boolean } {
  if (!Array.isArray(blocks)) {
    c.add(path, 'blocks must be an array');
    return { hasInput: false };
  }
  if (blocks.length > max) c.add(path, `${blocks.length} blocks, limit ${max} for a ${kind}`);
  const blockIds = new Set<string>();
  let hasInput = false;
  blocks.forEach((block, i) => {
    if (checkBlock(c, block, `${path}/${i}`, kind, blockIds)) hasInput = true;
  });
  return { hasInput };
}

function validateMessage(c: Collector, payload: unknown): void {
  const message: Json = Array.isArray(payload) ? { blocks: payload } : isRecord(payload) ? payload : {};
  if (!isRecord(payload) && !Array.isArray(payload)) {
    c.add('', 'message must be an object');
    return;
  }
  const text = message['text'];
  if (typeof text === 'string' && text.length > L.messageText) {
    c.add('/text', `message text is ${text.length} characters, limit ${L.messageText}`);
  }
  if (message['blocks'] !== undefined) checkBlocks(c, message['blocks'], '/blocks', 'message', L.messageBlocks);
  const attachments = message['attachments'];
  if (Array.isArray(attachments)) {
    attachments.forEach((a, i) => {
      if (isRecord(a) && a['blocks'] !== undefined) {
        checkBlocks(c, a['blocks'], `/attachments/${i}/blocks`, 'message', L.messageBlocks);
      }
    });
  }
}

function validateView(c: Collector, kind: 'modal' | 'home', view: unknown): void {
  if (!isRecord(view)) {
    c.add('', 'view must be an object');
    return;
  }
  if (view['type'] !== kind) c.add('/type', `view type must be "${kind}", got ${JSON.stringify(view['type'])}`);
  checkString(c, view['callback_id'], '/callback_id', 'callback_id', L.callbackId);
  checkString(c, view['external_id'], '/external_id', 'external_id', L.externalId);
  checkString(c, view['private_metadata'], '/private_metadata', 'private_metadata', L.privateMetadata);
  const { hasInput } =
    view['blocks'] === undefined
      ? (c.add('/blocks', 'view needs blocks'), { hasInput: false })
      : checkBlocks(c, view['blocks'], '/blocks', kind, L.viewBlocks);
  if (kind === 'modal') {
    checkText(c, view['title'], '/title', { name: 'modal title', max: L.modalTitle, plainOnly: true });
    if (view['submit'] !== undefined) {
      checkText(c, view['submit'], '/submit', { name: 'modal submit', max: L.modalSubmit, plainOnly: true });
    } else if (hasInput) {
      c.add('/submit', 'a modal with input blocks needs a submit button');
    }
    if (view['close'] !== undefined) {
      checkText(c, view['close'], '/close', { name: 'modal close', max: L.modalClose, plainOnly: true });
    }
  }
}

/**
 * Checks a message (`{ text?, blocks?, attachments? }` or a bare block array),
 * a modal view or a Home tab view against Slack's Block Kit limits.
 * Returns one string per violation; an empty array means Slack would accept it.
 */
export function validateBlockKit(kind: BlockKitKind, payload: unknown): string[] {
  const c = new Collector();
  if (kind === 'message') validateMessage(c, payload);
  else validateView(c, kind, payload);
  return c.errors;
}
