CREATE TABLE `search_rankings` (
	`match` text PRIMARY KEY NOT NULL,
	`row_ids` text NOT NULL,
	`ranks` text NOT NULL
);
