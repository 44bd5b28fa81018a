CREATE TABLE `categories` (
	`slug` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`heading` text,
	`position` integer NOT NULL,
	`count` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `categories_position_unique` ON `categories` (`position`);--> statement-breakpoint
CREATE TABLE `metadata` (
	`id` integer PRIMARY KEY NOT NULL,
	`source_hash` text NOT NULL,
	`seeded_at` text NOT NULL,
	`resource_count` integer NOT NULL,
	`category_count` integer NOT NULL,
	`tag_count` integer NOT NULL,
	CONSTRAINT "metadata_single_row" CHECK("metadata"."id" = 1)
);
--> statement-breakpoint
CREATE TABLE `resource_links` (
	`resource_row_id` integer NOT NULL,
	`position` integer NOT NULL,
	`title` text NOT NULL,
	`url` text NOT NULL,
	PRIMARY KEY(`resource_row_id`, `position`),
	FOREIGN KEY (`resource_row_id`) REFERENCES `resources`(`row_id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `resource_tags` (
	`tag` text NOT NULL,
	`resource_row_id` integer NOT NULL,
	PRIMARY KEY(`tag`, `resource_row_id`),
	FOREIGN KEY (`tag`) REFERENCES `tags`(`slug`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`resource_row_id`) REFERENCES `resources`(`row_id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `resource_tags_resource` ON `resource_tags` (`resource_row_id`);--> statement-breakpoint
CREATE TABLE `resources` (
	`row_id` integer PRIMARY KEY NOT NULL,
	`id` text NOT NULL,
	`title` text NOT NULL,
	`url` text NOT NULL,
	`description` text NOT NULL,
	`category` text NOT NULL,
	`host` text NOT NULL,
	`position` integer NOT NULL,
	`tags_text` text NOT NULL,
	`source_page` text NOT NULL,
	`source_section` text,
	`source_line` integer NOT NULL,
	FOREIGN KEY (`category`) REFERENCES `categories`(`slug`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "resources_position_positive" CHECK("resources"."position" > 0)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `resources_id_unique` ON `resources` (`id`);--> statement-breakpoint
CREATE UNIQUE INDEX `resources_url_unique` ON `resources` (`url`);--> statement-breakpoint
CREATE UNIQUE INDEX `resources_position_unique` ON `resources` (`position`);--> statement-breakpoint
CREATE INDEX `resources_category_position` ON `resources` (`category`,`position`);--> statement-breakpoint
CREATE INDEX `resources_host_position` ON `resources` (`host`,`position`);--> statement-breakpoint
CREATE INDEX `resources_title_position` ON `resources` ("title" COLLATE NOCASE,`position`);--> statement-breakpoint
CREATE TABLE `tags` (
	`slug` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`count` integer NOT NULL
);
