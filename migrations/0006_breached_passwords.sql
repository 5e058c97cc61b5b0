ALTER TABLE `application_policies` ADD `check_breached_passwords` integer;--> statement-breakpoint
ALTER TABLE `application_policies` ADD `breached_check_failure` text;--> statement-breakpoint
ALTER TABLE `tenant_policies` ADD `check_breached_passwords` integer;--> statement-breakpoint
ALTER TABLE `tenant_policies` ADD `breached_check_failure` text;