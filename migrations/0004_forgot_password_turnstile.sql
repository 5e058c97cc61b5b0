ALTER TABLE `application_policies` ADD `forgot_password_turnstile` integer;--> statement-breakpoint
ALTER TABLE `tenant_policies` ADD `forgot_password_turnstile` integer;