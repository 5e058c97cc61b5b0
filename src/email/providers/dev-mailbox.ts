// The development mailbox: mail lands in D1 `dev_mailbox`, codes included, for `GET /dev/mailbox`,
// the demo and the browser tests. The one place a reset code is stored in plaintext, so it exists
// only when ENVIRONMENT=development.
import { desc, eq, sql } from "drizzle-orm";
import { isDevelopment } from "../../config/public-origin";
import type { Database } from "../../db/client";
import { devMailbox } from "../../db/schema";
import { newId } from "../../crypto/random";
import type { OutgoingEmail } from "../message";
import { DeliveryError, type EmailProvider } from "./provider";

export function devMailboxProvider(env: Pick<Env, "ENVIRONMENT">, db: Database): EmailProvider {
  return {
    name: "dev-mailbox",
    async send(mail: OutgoingEmail) {
      if (!isDevelopment(env)) throw new DeliveryError("dev_mailbox_outside_development", true);
      const id = newId();
      const { applicationId, to, template, subject, text, html } = mail;
      await db.insert(devMailbox).values({ id, applicationId, to, template, subject, text, html, createdAt: Date.now() });
      return { messageId: id };
    },
  };
}

/** The newest messages first, optionally for one address. */
export async function readDevMailbox(db: Database, to: string | undefined, limit = 100) {
  return db
    .select()
    .from(devMailbox)
    .where(to ? eq(devMailbox.to, to) : undefined)
    .orderBy(desc(devMailbox.createdAt), desc(sql`rowid`))
    .limit(limit);
}
