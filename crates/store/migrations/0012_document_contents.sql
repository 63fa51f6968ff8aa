-- A document's bytes move to a table of their own, so that signing it or deciding on it
-- rewrites only its small row: SQLite rewrites a whole row, overflow pages and all, whatever
-- column an UPDATE sets.
CREATE TABLE document_contents (
    id TEXT PRIMARY KEY REFERENCES documents(id),
    content TEXT NOT NULL
);
INSERT INTO document_contents (id, content) SELECT id, content FROM documents;
ALTER TABLE documents DROP COLUMN content;
