-- The baseline. IF NOT EXISTS (edited in by hand, here only) lets objects created by the
-- hand-written schema that preceded drizzle-kit adopt it; their tables have the same columns.
CREATE TABLE IF NOT EXISTS `credential` (
	`id` integer PRIMARY KEY NOT NULL,
	`password_hash` text,
	`credential_version` integer NOT NULL,
	`session_epoch` integer NOT NULL,
	`refresh_epoch` integer NOT NULL,
	`updated_at` integer NOT NULL,
	CONSTRAINT "credential_single_row" CHECK("credential"."id" = 1)
);
--> statement-breakpoint
CREATE TABLE IF NOT EXISTS `pending_emails` (
	`id` text PRIMARY KEY NOT NULL,
	`message` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE IF NOT EXISTS `refresh_tokens` (
	`token_hash` text PRIMARY KEY NOT NULL,
	`session_id` text NOT NULL,
	`epoch` integer NOT NULL,
	`created_at` integer NOT NULL,
	`rotated_at` integer,
	`revoked_at` integer
);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS `refresh_tokens_session` ON `refresh_tokens` (`session_id`);--> statement-breakpoint
CREATE TABLE IF NOT EXISTS `sessions` (
	`id` text PRIMARY KEY NOT NULL,
	`application_id` text NOT NULL,
	`tenant_id` text NOT NULL,
	`epoch` integer NOT NULL,
	`created_at` integer NOT NULL,
	`last_used_at` integer NOT NULL,
	`idle_ttl_ms` integer NOT NULL,
	`absolute_expires_at` integer NOT NULL,
	`revoked_at` integer
);
