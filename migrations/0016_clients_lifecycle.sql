ALTER TABLE `m2m_clients` ADD `previous_secret_hash` text;--> statement-breakpoint
ALTER TABLE `m2m_clients` ADD `previous_secret_retires_at` integer;--> statement-breakpoint
ALTER TABLE `m2m_clients` ADD `disabled_at` integer;--> statement-breakpoint
ALTER TABLE `m2m_clients` ADD `tokens_valid_after` integer DEFAULT 0 NOT NULL;