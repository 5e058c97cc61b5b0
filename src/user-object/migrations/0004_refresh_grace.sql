ALTER TABLE `refresh_tokens` ADD `client_id` text;--> statement-breakpoint
ALTER TABLE `refresh_tokens` ADD `replaced_by` text;