-- 入统: whether an enterprise is on the roster of the Torch statistical survey, expected to
-- file its statistical reports. Enterprises registered before the flag existed are.
ALTER TABLE enterprises ADD COLUMN in_survey BOOLEAN NOT NULL DEFAULT TRUE;
