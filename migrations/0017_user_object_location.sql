ALTER TABLE `application_policies` ADD `user_object_location` text;--> statement-breakpoint
ALTER TABLE `tenant_policies` ADD `user_object_location` text;--> statement-breakpoint
ALTER TABLE `users` ADD `object_jurisdiction` text;