-- A centre's version grows with every change of its registry entry (the accreditation), so
-- that nodes which keep the registry in memory see a change another node made.
ALTER TABLE centres ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
