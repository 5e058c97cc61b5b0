CREATE TABLE `dev_mailbox` (
	`id` text PRIMARY KEY NOT NULL,
	`application_id` text NOT NULL,
	`to_address` text NOT NULL,
	`template` text NOT NULL,
	`subject` text NOT NULL,
	`text_body` text NOT NULL,
	`html_body` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `dev_mailbox_to_time` ON `dev_mailbox` (`to_address`,`created_at`);--> statement-breakpoint
CREATE TABLE `email_deliveries` (
	`id` text PRIMARY KEY NOT NULL,
	`application_id` text NOT NULL,
	`tenant_id` text NOT NULL,
	`template` text NOT NULL,
	`to_address` text NOT NULL,
	`status` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`last_error` text,
	`next_attempt_at` integer,
	`provider` text,
	`provider_message_id` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `email_deliveries_application_time` ON `email_deliveries` (`application_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `email_deliveries_application_status` ON `email_deliveries` (`application_id`,`status`,`created_at`);