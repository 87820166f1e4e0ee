import type { Kysely } from 'kysely';

// Frozen in time: this file must never import application code or change once released.

/**
 * Issue 12 follow-up: the operator's refusal of private webhook targets (allowPrivateWebhooks=false) held only
 * in the process that had it; another process on the same store (a CLI command, the app's library tracker)
 * delivered the same budget's webhooks to whatever its host resolved to.
 *
 * `budgets.refuse_private`: 1 when the budget was set through a process that refuses private targets (or
 * kept its webhook URL since). Every delivering process then refuses them for its deliveries, whatever its
 * own setting.
 *
 * `webhook_deliveries.refuse_private`: 1 on deliveries queued for such a URL when a process that allows
 * private targets gave the budget another URL (and the flag went): they keep the refusal of the URL they
 * carry. Existing rows: 0 (nothing recorded who set them; a restricted process still refuses them itself).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('budgets')
    .addColumn('refuse_private', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .alterTable('webhook_deliveries')
    .addColumn('refuse_private', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('webhook_deliveries').dropColumn('refuse_private').execute();
  await db.schema.alterTable('budgets').dropColumn('refuse_private').execute();
}
