/**
 * Slack gives a block without a block_id, and an element without an action_id, an id of its own
 * when the message or view is stored. The playground does the same from their positions, so that
 * the page and the requests it sends name the same element.
 */
type Json = Record<string, unknown>;

export function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function blockIdOf(block: Json, index: number): string {
  return typeof block['block_id'] === 'string' ? block['block_id'] : `pg-b${index}`;
}

export function actionIdOf(element: Json, index: number): string {
  return typeof element['action_id'] === 'string' ? element['action_id'] : `pg-a${index}`;
}

export type ElementPlace = 'actions' | 'accessory' | 'input';

export interface PlacedElement {
  blockId: string;
  actionId: string;
  element: Json;
  place: ElementPlace;
  /** The input block's `dispatch_action`: the element sends a block action as it changes. */
  dispatch: boolean;
  /** The input block is optional. */
  optional: boolean;
}

/** Every element of a list of blocks that a person can act on or fill in, with the ids it goes by. */
export function placedElements(blocks: unknown): PlacedElement[] {
  if (!Array.isArray(blocks)) return [];
  const found: PlacedElement[] = [];
  blocks.forEach((block, i) => {
    if (!isRecord(block)) return;
    const blockId = blockIdOf(block, i);
    const type = block['type'];
    const base = { blockId, dispatch: false, optional: false };
    if (type === 'actions' && Array.isArray(block['elements'])) {
      block['elements'].forEach((el, j) => {
        if (isRecord(el)) found.push({ ...base, actionId: actionIdOf(el, j), element: el, place: 'actions' });
      });
    } else if (type === 'section' && isRecord(block['accessory'])) {
      const el = block['accessory'];
      found.push({ ...base, actionId: actionIdOf(el, 0), element: el, place: 'accessory' });
    } else if (type === 'input' && isRecord(block['element'])) {
      const el = block['element'];
      found.push({
        blockId,
        actionId: actionIdOf(el, 0),
        element: el,
        place: 'input',
        dispatch: block['dispatch_action'] === true,
        optional: block['optional'] === true,
      });
    }
  });
  return found;
}

export function findElement(blocks: unknown, blockId: string, actionId: string): PlacedElement | undefined {
  return placedElements(blocks).find((p) => p.blockId === blockId && p.actionId === actionId);
}
