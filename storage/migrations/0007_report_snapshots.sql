CREATE TABLE `report_snapshots` (
	`quarter` text PRIMARY KEY NOT NULL,
	`report` text NOT NULL,
	`issued_at` integer NOT NULL,
	`issued_by` integer
);
