CREATE TABLE `reset_email_sends` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`subject_key` text NOT NULL,
	`sent_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `reset_email_sends_subject_time` ON `reset_email_sends` (`subject_key`,`sent_at`);--> statement-breakpoint
ALTER TABLE `application_policies` ADD `reset_email_cooldown_seconds` integer;--> statement-breakpoint
ALTER TABLE `application_policies` ADD `reset_emails_per_window` integer;--> statement-breakpoint
ALTER TABLE `application_policies` ADD `reset_email_window_seconds` integer;--> statement-breakpoint
ALTER TABLE `tenant_policies` ADD `reset_email_cooldown_seconds` integer;--> statement-breakpoint
ALTER TABLE `tenant_policies` ADD `reset_emails_per_window` integer;--> statement-breakpoint
ALTER TABLE `tenant_policies` ADD `reset_email_window_seconds` integer;