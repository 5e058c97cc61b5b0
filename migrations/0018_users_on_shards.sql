PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_users` (
	`id` text PRIMARY KEY NOT NULL,
	`application_id` text NOT NULL,
	`tenant_id` text NOT NULL,
	`email` text NOT NULL,
	`email_key` text NOT NULL,
	`status` text NOT NULL,
	`created_at` integer NOT NULL,
	`object_jurisdiction` text,
	`password_key_id` text,
	`refresh_key_ids` text,
	`key_ids_reported_at` integer
);
--> statement-breakpoint
INSERT INTO `__new_users`("id", "application_id", "tenant_id", "email", "email_key", "status", "created_at", "object_jurisdiction", "password_key_id", "refresh_key_ids", "key_ids_reported_at") SELECT "id", "application_id", "tenant_id", "email", "email_key", "status", "created_at", "object_jurisdiction", "password_key_id", "refresh_key_ids", "key_ids_reported_at" FROM `users`;--> statement-breakpoint
DROP TABLE `users`;--> statement-breakpoint
ALTER TABLE `__new_users` RENAME TO `users`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE UNIQUE INDEX `users_tenant_email` ON `users` (`tenant_id`,`email_key`);--> statement-breakpoint
CREATE INDEX `users_tenant_created` ON `users` (`tenant_id`,`created_at`,`id`);