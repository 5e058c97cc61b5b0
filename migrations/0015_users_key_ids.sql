ALTER TABLE `users` ADD `password_key_id` text;--> statement-breakpoint
ALTER TABLE `users` ADD `refresh_key_ids` text;--> statement-breakpoint
ALTER TABLE `users` ADD `key_ids_reported_at` integer;