CREATE TABLE `application_policies` (
	`application_id` text PRIMARY KEY NOT NULL,
	`email_verification_strategy` text,
	`email_link_ttl_seconds` integer,
	`otp_ttl_seconds` integer,
	`reset_link_ttl_seconds` integer,
	`otp_length` integer,
	`otp_max_attempts` integer,
	`password_min_length` integer,
	`password_max_length` integer,
	`reset_page_url` text,
	`login_url` text,
	`send_password_updated_email` integer,
	`session_idle_ttl_seconds` integer,
	`session_absolute_ttl_seconds` integer,
	FOREIGN KEY (`application_id`) REFERENCES `applications`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `applications` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `code_failures` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`subject_key` text NOT NULL,
	`failed_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `code_failures_subject_time` ON `code_failures` (`subject_key`,`failed_at`);--> statement-breakpoint
CREATE TABLE `m2m_clients` (
	`id` text PRIMARY KEY NOT NULL,
	`application_id` text NOT NULL,
	`tenant_id` text,
	`name` text NOT NULL,
	`secret_hash` text NOT NULL,
	`permissions` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`application_id`) REFERENCES `applications`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `outbox_emails` (
	`id` text PRIMARY KEY NOT NULL,
	`application_id` text NOT NULL,
	`to_address` text NOT NULL,
	`template` text NOT NULL,
	`subject` text NOT NULL,
	`text_body` text NOT NULL,
	`html_body` text NOT NULL,
	`created_at` integer NOT NULL,
	`sent_at` integer
);
--> statement-breakpoint
CREATE INDEX `outbox_emails_to_time` ON `outbox_emails` (`to_address`,`created_at`);--> statement-breakpoint
CREATE TABLE `reset_codes` (
	`id` text PRIMARY KEY NOT NULL,
	`application_id` text NOT NULL,
	`tenant_id` text NOT NULL,
	`user_id` text,
	`subject_key` text NOT NULL,
	`kind` text NOT NULL,
	`code_hash` text NOT NULL,
	`verification_hash` text,
	`credential_version` integer,
	`attempts` integer DEFAULT 0 NOT NULL,
	`max_attempts` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`created_at` integer NOT NULL,
	`consumed_at` integer,
	`superseded_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `reset_codes_code_hash` ON `reset_codes` (`code_hash`);--> statement-breakpoint
CREATE INDEX `reset_codes_user_open` ON `reset_codes` (`user_id`,`kind`) WHERE consumed_at IS NULL AND superseded_at IS NULL;--> statement-breakpoint
CREATE TABLE `tenant_policies` (
	`tenant_id` text PRIMARY KEY NOT NULL,
	`email_verification_strategy` text,
	`email_link_ttl_seconds` integer,
	`otp_ttl_seconds` integer,
	`reset_link_ttl_seconds` integer,
	`otp_length` integer,
	`otp_max_attempts` integer,
	`password_min_length` integer,
	`password_max_length` integer,
	`reset_page_url` text,
	`login_url` text,
	`send_password_updated_email` integer,
	`session_idle_ttl_seconds` integer,
	`session_absolute_ttl_seconds` integer,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `tenants` (
	`id` text PRIMARY KEY NOT NULL,
	`application_id` text NOT NULL,
	`name` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`application_id`) REFERENCES `applications`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `tenants_application_name` ON `tenants` (`application_id`,`name`);--> statement-breakpoint
CREATE TABLE `users` (
	`id` text PRIMARY KEY NOT NULL,
	`application_id` text NOT NULL,
	`tenant_id` text NOT NULL,
	`email` text NOT NULL,
	`email_key` text NOT NULL,
	`status` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`application_id`) REFERENCES `applications`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `users_tenant_email` ON `users` (`tenant_id`,`email_key`);