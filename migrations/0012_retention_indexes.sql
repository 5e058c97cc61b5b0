CREATE INDEX `code_failures_time` ON `code_failures` (`failed_at`);--> statement-breakpoint
CREATE INDEX `decoy_password_failures_time` ON `decoy_password_failures` (`last_failed_at`);--> statement-breakpoint
CREATE INDEX `dev_mailbox_time` ON `dev_mailbox` (`created_at`);--> statement-breakpoint
CREATE INDEX `email_deliveries_time` ON `email_deliveries` (`created_at`);--> statement-breakpoint
CREATE INDEX `reset_email_sends_time` ON `reset_email_sends` (`sent_at`);