-- Hand-written: drizzle-kit cannot express FTS5 virtual tables or triggers.
-- An external-content FTS5 index over resources (title, description, tags), kept
-- in step by triggers, so the seed only ever writes the resources table.
-- prefix='2 3 4' stores short prefixes so search-as-you-type ("djan"*) stays an index lookup.
CREATE VIRTUAL TABLE `resources_fts` USING fts5(
	`title`,
	`description`,
	`tags_text`,
	content='resources',
	content_rowid='row_id',
	tokenize='unicode61 remove_diacritics 2',
	prefix='2 3 4'
);
--> statement-breakpoint
CREATE TRIGGER `resources_fts_after_insert` AFTER INSERT ON `resources` BEGIN
	INSERT INTO `resources_fts`(rowid, `title`, `description`, `tags_text`)
	VALUES (new.`row_id`, new.`title`, new.`description`, new.`tags_text`);
END;
--> statement-breakpoint
CREATE TRIGGER `resources_fts_after_delete` AFTER DELETE ON `resources` BEGIN
	INSERT INTO `resources_fts`(`resources_fts`, rowid, `title`, `description`, `tags_text`)
	VALUES ('delete', old.`row_id`, old.`title`, old.`description`, old.`tags_text`);
END;
--> statement-breakpoint
CREATE TRIGGER `resources_fts_after_update` AFTER UPDATE ON `resources` BEGIN
	INSERT INTO `resources_fts`(`resources_fts`, rowid, `title`, `description`, `tags_text`)
	VALUES ('delete', old.`row_id`, old.`title`, old.`description`, old.`tags_text`);
	INSERT INTO `resources_fts`(rowid, `title`, `description`, `tags_text`)
	VALUES (new.`row_id`, new.`title`, new.`description`, new.`tags_text`);
END;
