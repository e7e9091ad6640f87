-- Who may see a run is read from its workflow as it is now (workflows.allow_anyone_to_view_runs,
-- mirrored from the latest version), so the copy each run row kept from its pinned version goes.
ALTER TABLE `runs` DROP COLUMN `visible_to_all`;