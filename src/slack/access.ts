import { audit } from '../../db/queries/audit.js';
import type { AppContext } from '../context.js';

/** A refused attempt: nothing changes, and it is logged and kept in the audit log. */
export async function recordRefusal(
  ctx: AppContext,
  attempt: { actor: string; action: string; reason: string; details?: Record<string, unknown> },
): Promise<void> {
  ctx.logger.warn(
    { actor: attempt.actor, action: attempt.action, reason: attempt.reason, details: attempt.details },
    'refused',
  );
  await audit(ctx.db, {
    at: ctx.clock.now(),
    actor: attempt.actor,
    action: 'access.denied',
    subjectType: attempt.action,
    details: { reason: attempt.reason, ...attempt.details },
  });
}
