ALTER TABLE `resources` ADD `link_status` text DEFAULT 'unchecked' NOT NULL;--> statement-breakpoint
ALTER TABLE `resources` ADD `link_http_status` integer;--> statement-breakpoint
ALTER TABLE `resources` ADD `link_final_url` text;--> statement-breakpoint
ALTER TABLE `resources` ADD `link_permanent` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `resources` ADD `link_suspect_soft_404` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `resources` ADD `link_archive_url` text;--> statement-breakpoint
ALTER TABLE `resources` ADD `link_checked_at` text;--> statement-breakpoint
ALTER TABLE `resources` ADD `link_consecutive_failures` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX `resources_link_status_position` ON `resources` (`link_status`,`position`);--> statement-breakpoint
CREATE INDEX `resources_category_link_status` ON `resources` (`category`,`link_status`);--> statement-breakpoint
CREATE INDEX `resources_link_checked_at` ON `resources` (`link_checked_at`);