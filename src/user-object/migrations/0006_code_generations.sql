CREATE TABLE `code_generations` (
	`id` integer PRIMARY KEY NOT NULL,
	`email_codes_issued_at` integer DEFAULT 0 NOT NULL,
	`admin_link_issued_at` integer DEFAULT 0 NOT NULL,
	CONSTRAINT "code_generations_single_row" CHECK("code_generations"."id" = 1)
);
