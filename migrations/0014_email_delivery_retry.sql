ALTER TABLE `email_deliveries` ADD `job` text;--> statement-breakpoint
ALTER TABLE `email_deliveries` ADD `retry_of` text;--> statement-breakpoint
ALTER TABLE `email_deliveries` ADD `retried_as` text;