-- ViewingActivity.csv uploads: how far each item was watched through (1 when the
-- export has no durations), and the parser's notes for the uploader (skipped rows)
alter table profile_items add column if not exists watch_share double precision default 1.0;
alter table profiles add column if not exists notes text;
