CREATE TABLE `password_failures` (
	`id` integer PRIMARY KEY NOT NULL,
	`failures` integer NOT NULL,
	`last_failed_at` integer NOT NULL,
	CONSTRAINT "password_failures_single_row" CHECK("password_failures"."id" = 1)
);
