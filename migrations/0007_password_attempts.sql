CREATE TABLE `decoy_password_failures` (
	`subject_key` text PRIMARY KEY NOT NULL,
	`failures` integer NOT NULL,
	`last_failed_at` integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE `application_policies` ADD `password_failures_before_delay` integer;--> statement-breakpoint
ALTER TABLE `application_policies` ADD `password_failure_delay_seconds` integer;--> statement-breakpoint
ALTER TABLE `application_policies` ADD `password_failure_max_delay_seconds` integer;--> statement-breakpoint
ALTER TABLE `application_policies` ADD `password_failure_limit` integer;--> statement-breakpoint
ALTER TABLE `tenant_policies` ADD `password_failures_before_delay` integer;--> statement-breakpoint
ALTER TABLE `tenant_policies` ADD `password_failure_delay_seconds` integer;--> statement-breakpoint
ALTER TABLE `tenant_policies` ADD `password_failure_max_delay_seconds` integer;--> statement-breakpoint
ALTER TABLE `tenant_policies` ADD `password_failure_limit` integer;