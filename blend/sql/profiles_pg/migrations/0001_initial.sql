-- 0001: the Blend's user state in PostgreSQL: the same tables and columns as the embedded
-- store (blend/sql/profiles/schema.sql), plus keys that let the database enforce what
-- the embedded store enforces in code (a deleted profile takes its rows with it).
create table profiles (
    profile_id text primary key,          -- random, unguessable (secrets.token_urlsafe)
    name text not null,
    edit_key_sha256 text not null,        -- only the uploader's browser holds the key
    created_at timestamp not null,        -- UTC
    file_name text,
    rows_read integer not null,
    duplicate_rows integer not null,
    date_order text not null,
    date_order_ambiguous boolean not null,
    build_id text                         -- warehouse build the titles were matched on
);
-- one row per distinct watched item (a show or a movie) of a profile
create table profile_items (
    profile_id text not null references profiles on delete cascade,
    item_key text not null,               -- show_id when matched, else '~' + normalized name
    item_name text not null,
    show_id text,                         -- catalog title, null when unmatched
    kind text,
    is_episode boolean not null,
    episodes integer not null,            -- rows of the file for this item
    first_watched date not null,
    last_watched date not null,
    match_method text,
    match_score double precision,
    hidden boolean not null default false -- hidden by the owner: out of insights and blends
);
create index profile_items_profile on profile_items (profile_id);
-- one row per kept row of the uploaded file
create table profile_viewings (
    profile_id text not null references profiles on delete cascade,
    item_key text not null,
    row_number integer not null,
    watched_on date not null,
    item_name text not null,
    season text,
    episode text,
    is_episode boolean not null,
    show_id text
);
create index profile_viewings_profile on profile_viewings (profile_id);
create table blends (
    blend_id text primary key,
    created_at timestamp not null
);
create table blend_members (
    blend_id text not null references blends on delete cascade,
    profile_id text not null references profiles on delete cascade,
    joined_at timestamp not null,
    primary key (blend_id, profile_id)
);
create index blend_members_profile on blend_members (profile_id);
