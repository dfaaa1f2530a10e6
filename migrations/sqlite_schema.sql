-- The schema of a new SQLite database as watcher's Alembic migrations make it, at the revision below: a new database
-- is made from this file (watcher/store/schema.py). Made by scripts/build_sqlite_schema.py; run it after adding or
-- changing a migration (tests/test_sqlite_schema.py fails until then).
-- revision: 0009_event_markets
CREATE TABLE alembic_version (
	version_num VARCHAR(32) NOT NULL, 
	CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)
);
CREATE TABLE alerts (
	id INTEGER NOT NULL, 
	"key" VARCHAR(200) NOT NULL, 
	rule VARCHAR(100) NOT NULL, 
	story_id INTEGER NOT NULL, 
	status VARCHAR(16) NOT NULL, 
	title TEXT NOT NULL, 
	body TEXT NOT NULL, 
	created_at DATETIME NOT NULL, 
	due_at DATETIME NOT NULL, 
	sent_at DATETIME, 
	attempts INTEGER NOT NULL, 
	last_error TEXT, 
	send_lease_owner VARCHAR(200), 
	send_lease_until DATETIME, 
	PRIMARY KEY (id), 
	FOREIGN KEY(story_id) REFERENCES stories (id) ON DELETE CASCADE, 
	UNIQUE ("key"), 
	CONSTRAINT uq_alerts_rule_story UNIQUE (rule, story_id)
);
CREATE TABLE deliveries (
	id INTEGER NOT NULL, 
	match_id INTEGER NOT NULL, 
	route VARCHAR(100) NOT NULL, 
	digest_id INTEGER NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(digest_id) REFERENCES digests (id) ON DELETE CASCADE, 
	FOREIGN KEY(match_id) REFERENCES matches (id) ON DELETE CASCADE, 
	CONSTRAINT uq_deliveries_match_route UNIQUE (match_id, route)
);
CREATE TABLE digests (
	id INTEGER NOT NULL, 
	"key" VARCHAR(200), 
	status VARCHAR(16) NOT NULL, 
	created_at DATETIME NOT NULL, 
	sent_at DATETIME, 
	recipients JSON NOT NULL, 
	subject TEXT NOT NULL, 
	message_id VARCHAR(300), 
	message BLOB, 
	transport VARCHAR(300), 
	attempts INTEGER NOT NULL, 
	next_attempt_at DATETIME, 
	last_error TEXT, route VARCHAR(100) DEFAULT 'default' NOT NULL, send_lease_owner VARCHAR(200), send_lease_until DATETIME, 
	PRIMARY KEY (id), 
	UNIQUE ("key"), 
	UNIQUE (message_id)
);
CREATE TABLE entities (
	id INTEGER NOT NULL, 
	name VARCHAR(300) NOT NULL, 
	fingerprint VARCHAR(64) NOT NULL, 
	active BOOLEAN NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (name)
);
CREATE TABLE feeds (
	id INTEGER NOT NULL, 
	url VARCHAR(2048) NOT NULL, 
	name VARCHAR(300), 
	title VARCHAR(1000), 
	active BOOLEAN NOT NULL, 
	etag VARCHAR(1024), 
	last_modified VARCHAR(128), 
	body_hash VARCHAR(64), 
	next_poll_at DATETIME NOT NULL, 
	last_polled_at DATETIME, 
	last_success_at DATETIME, 
	last_error_at DATETIME, 
	last_error TEXT, 
	consecutive_failures INTEGER NOT NULL, 
	created_at DATETIME NOT NULL, config_fingerprint VARCHAR(64), disabled_reason TEXT, redirect_candidate VARCHAR(2048), redirect_streak INTEGER DEFAULT '0' NOT NULL, redirect_url VARCHAR(2048), lease_owner VARCHAR(200), lease_until DATETIME, interval_seconds INTEGER, origin VARCHAR(16), 
	PRIMARY KEY (id), 
	UNIQUE (url)
);
CREATE TABLE "item_events" (
	id INTEGER NOT NULL, 
	item_id INTEGER NOT NULL, 
	entity_id INTEGER NOT NULL, 
	story_id INTEGER, 
	type VARCHAR(32) NOT NULL, 
	market VARCHAR(2), 
	evidence TEXT NOT NULL, 
	created_at DATETIME NOT NULL, 
	PRIMARY KEY (id), 
	CONSTRAINT uq_item_events_item_entity_type_market UNIQUE (item_id, entity_id, type, market), 
	FOREIGN KEY(entity_id) REFERENCES entities (id) ON DELETE CASCADE, 
	FOREIGN KEY(item_id) REFERENCES items (id) ON DELETE CASCADE, 
	FOREIGN KEY(story_id) REFERENCES stories (id) ON DELETE CASCADE
);
CREATE TABLE item_sources (
	id INTEGER NOT NULL, 
	feed_id INTEGER NOT NULL, 
	identity VARCHAR(64) NOT NULL, 
	item_id INTEGER NOT NULL, 
	created_at DATETIME NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(feed_id) REFERENCES feeds (id) ON DELETE CASCADE, 
	FOREIGN KEY(item_id) REFERENCES items (id) ON DELETE CASCADE, 
	CONSTRAINT uq_item_sources_feed_identity UNIQUE (feed_id, identity)
);
CREATE TABLE "items" (
	id INTEGER NOT NULL, 
	feed_id INTEGER NOT NULL, 
	identity VARCHAR(64) NOT NULL, 
	guid TEXT, 
	link TEXT, 
	title TEXT NOT NULL, 
	summary TEXT NOT NULL, 
	content TEXT NOT NULL, 
	language VARCHAR(35), 
	author VARCHAR(500), 
	published_at DATETIME, 
	first_seen_at DATETIME NOT NULL, 
	dedup_key VARCHAR(64), 
	publisher VARCHAR(300), 
	fulltext_status VARCHAR(16), 
	fulltext_error TEXT, 
	fulltext_at DATETIME, 
	fulltext_chars INTEGER, 
	url_key BIGINT, 
	title_key BIGINT, 
	PRIMARY KEY (id), 
	CONSTRAINT uq_items_feed_identity UNIQUE (feed_id, identity), 
	FOREIGN KEY(feed_id) REFERENCES feeds (id) ON DELETE CASCADE
);
CREATE TABLE match_feedback (
	id INTEGER NOT NULL, 
	match_id INTEGER NOT NULL, 
	entity_id INTEGER NOT NULL, 
	verdict VARCHAR(16) NOT NULL, 
	"by" VARCHAR(200) NOT NULL, 
	at DATETIME NOT NULL, 
	note TEXT, 
	PRIMARY KEY (id), 
	FOREIGN KEY(entity_id) REFERENCES entities (id) ON DELETE CASCADE, 
	FOREIGN KEY(match_id) REFERENCES matches (id) ON DELETE CASCADE, 
	UNIQUE (match_id)
);
CREATE TABLE "matches" (
	id INTEGER NOT NULL, 
	item_id INTEGER NOT NULL, 
	entity_id INTEGER NOT NULL, 
	alias TEXT NOT NULL, 
	field VARCHAR(16) NOT NULL, 
	start_offset INTEGER NOT NULL, 
	end_offset INTEGER NOT NULL, 
	surface TEXT NOT NULL, 
	snippet TEXT NOT NULL, 
	highlights JSON NOT NULL, 
	hits JSON NOT NULL, 
	backfilled BOOLEAN NOT NULL, 
	matched_at DATETIME NOT NULL, 
	suppressed BOOLEAN DEFAULT 0 NOT NULL, 
	PRIMARY KEY (id), 
	CONSTRAINT uq_matches_item_entity UNIQUE (item_id, entity_id), 
	FOREIGN KEY(entity_id) REFERENCES entities (id) ON DELETE CASCADE, 
	FOREIGN KEY(item_id) REFERENCES items (id) ON DELETE CASCADE
);
CREATE VIRTUAL TABLE search_fts USING fts5(body, tokenize = "unicode61 remove_diacritics 0 categories 'L* N* M* Co'");
CREATE TABLE stories (
	id INTEGER NOT NULL, 
	"key" VARCHAR(64) NOT NULL, 
	first_item_id INTEGER, 
	first_published_at DATETIME NOT NULL, 
	last_published_at DATETIME NOT NULL, 
	item_count INTEGER NOT NULL, 
	languages JSON NOT NULL, 
	outlets JSON NOT NULL, 
	entities JSON NOT NULL, 
	event_types JSON NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(first_item_id) REFERENCES items (id) ON DELETE SET NULL, 
	UNIQUE ("key")
);
CREATE TABLE story_items (
	id INTEGER NOT NULL, 
	item_id INTEGER NOT NULL, 
	story_id INTEGER NOT NULL, 
	language VARCHAR(35), 
	published_at DATETIME NOT NULL, 
	analysed_at DATETIME NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(item_id) REFERENCES items (id) ON DELETE CASCADE, 
	FOREIGN KEY(story_id) REFERENCES stories (id) ON DELETE CASCADE, 
	UNIQUE (item_id)
);
CREATE INDEX ix_alerts_status ON alerts (status);
CREATE INDEX ix_alerts_story_id ON alerts (story_id);
CREATE INDEX ix_deliveries_digest_id ON deliveries (digest_id);
CREATE INDEX ix_digests_status ON digests (status);
CREATE INDEX ix_feeds_next_poll_at ON feeds (next_poll_at);
CREATE INDEX ix_item_events_entity_id ON item_events (entity_id);
CREATE INDEX ix_item_events_story_id ON item_events (story_id);
CREATE INDEX ix_item_sources_item_id ON item_sources (item_id);
CREATE INDEX ix_items_feed_dedup_key ON items (feed_id, dedup_key);
CREATE INDEX ix_items_first_seen_at ON items (first_seen_at);
CREATE INDEX ix_items_fulltext_status ON items (fulltext_status);
CREATE INDEX ix_items_title_key ON items (title_key);
CREATE UNIQUE INDEX ix_items_url_key ON items (url_key);
CREATE INDEX ix_match_feedback_entity_id ON match_feedback (entity_id);
CREATE INDEX ix_matches_entity_id ON matches (entity_id);
CREATE INDEX ix_matches_matched_at ON matches (matched_at);
CREATE INDEX ix_stories_last_published_at ON stories (last_published_at);
CREATE INDEX ix_story_items_story_id ON story_items (story_id);
CREATE UNIQUE INDEX uq_item_events_item_entity_type_no_market ON item_events (item_id, entity_id, type) WHERE market IS NULL;
CREATE TRIGGER search_fts_item_deleted AFTER DELETE ON items BEGIN DELETE FROM search_fts WHERE rowid = old.id; END;
