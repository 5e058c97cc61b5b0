DROP INDEX `email_deliveries_application_time`;--> statement-breakpoint
DROP INDEX `email_deliveries_application_status`;--> statement-breakpoint
CREATE INDEX `email_deliveries_application_time` ON `email_deliveries` (`application_id`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `email_deliveries_application_status` ON `email_deliveries` (`application_id`,`status`,`created_at`,`id`);