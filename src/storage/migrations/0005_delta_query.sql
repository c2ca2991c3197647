-- The delta request a stored deltaLink came from: a later sync follows the link only when it
-- would ask the very same query (a field added to $select needs a full read).
ALTER TABLE snapshot_datasets ADD COLUMN delta_query text;
