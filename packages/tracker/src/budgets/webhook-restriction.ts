// The refusal of private webhook targets, kept with the budget. The operator's setting
// (allowPrivateWebhooks=false / BYTEMETER_WEBHOOK_ALLOW_PRIVATE=false) is a process's; the budgets and their
// deliveries are the store's, delivered by whichever process claims them. So a budget set through a process
// that refuses private targets carries the refusal (budgets.refuse_private, migration 0012), and every
// delivering process refuses private targets for it, whatever that process's own setting: a CLI command or a
// library tracker that allows them cannot deliver what the restricted API accepted.
//
// The flag stays while the budget keeps its URL, whoever sets it again (the CLI changing its limit leaves the
// refusal on). A process that allows private targets giving it another URL is the operator choosing the
// receiver: the flag goes, and deliveries still queued for the old URL keep the refusal themselves.

import type { CheckedBudget } from '@bytemeter/core/budgets';
import type { Kysely } from 'kysely';
import { exec, type Plan } from '../db/runner.js';
import type { Database } from '../db/schema.js';
import { lockBudgetWrites, type StoreOutcome, storeBudget } from './budget-store.js';

/** Stores a budget (storeBudget) and what it keeps of the refusal of private targets, in one transaction. */
export function* storeBudgetWithRefusal(
  db: Kysely<Database>,
  input: CheckedBudget,
  now: number,
  refusePrivate: boolean,
): Plan<StoreOutcome> {
  // First, as in every budget write (budget-store.ts): the old row read below is then the one storeBudget
  // replaces, not one a concurrent set of the same id is about to change. (storeBudget takes it again within
  // the same transaction: it is already held, so that does not wait.)
  yield* lockBudgetWrites(db);
  const [old] =
    input.id === null
      ? []
      : yield* exec(db.selectFrom('budgets').select(['webhook_url', 'refuse_private']).where('id', '=', input.id));
  const outcome = yield* storeBudget(db, input, now);
  const wasRefused = old !== undefined && Number(old.refuse_private) === 1;
  const refused = refusePrivate || (wasRefused && old.webhook_url === input.webhookUrl);
  if (refused || wasRefused) {
    const id = outcome.budget.id;
    yield* exec(
      db
        .updateTable('budgets')
        .set({ refuse_private: refused ? 1 : 0 })
        .where('id', '=', id),
    );
    if (wasRefused && !refused) {
      yield* exec(
        db
          .updateTable('webhook_deliveries')
          .set({ refuse_private: 1 })
          .where('budget_id', '=', id)
          .where('state', '=', 'pending'),
      );
    }
  }
  return outcome;
}
