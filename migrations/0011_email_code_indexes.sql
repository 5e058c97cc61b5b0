CREATE INDEX `reset_codes_subject_created` ON `reset_codes` (`subject_key`,`created_at`);--> statement-breakpoint
CREATE INDEX `reset_codes_expiry` ON `reset_codes` (`expires_at`);