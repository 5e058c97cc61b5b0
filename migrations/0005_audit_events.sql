CREATE TABLE `audit_events` (
	`id` text PRIMARY KEY NOT NULL,
	`occurred_at` integer NOT NULL,
	`type` text NOT NULL,
	`application_id` text NOT NULL,
	`tenant_id` text,
	`user_id` text,
	`actor_kind` text NOT NULL,
	`actor_id` text,
	`ip` text,
	`user_agent` text,
	`request_id` text,
	`detail` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `audit_events_application_time` ON `audit_events` (`application_id`,`occurred_at`,`id`);--> statement-breakpoint
CREATE INDEX `audit_events_user_time` ON `audit_events` (`user_id`,`occurred_at`,`id`) WHERE user_id IS NOT NULL;--> statement-breakpoint
CREATE INDEX `audit_events_time` ON `audit_events` (`occurred_at`);