CREATE TABLE `application_branding` (
	`application_id` text PRIMARY KEY NOT NULL,
	`display_name` text,
	`logo_url` text,
	`primary_color` text,
	`support_email` text,
	`default_language` text,
	FOREIGN KEY (`application_id`) REFERENCES `applications`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `tenant_branding` (
	`tenant_id` text PRIMARY KEY NOT NULL,
	`display_name` text,
	`logo_url` text,
	`primary_color` text,
	`support_email` text,
	`default_language` text,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action
);
