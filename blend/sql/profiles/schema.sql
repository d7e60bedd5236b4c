-- The profiles database (data_dir/profiles/profiles.duckdb): the only file the app
-- writes. Uploaded viewing histories, one blend per shareable link. Idempotent.
create table if not exists profiles (
    profile_id varchar primary key,       -- random, unguessable (secrets.token_urlsafe)
    name varchar not null,
    edit_key_sha256 varchar not null,     -- only the uploader's browser holds the key
    created_at timestamp not null,
    file_name varchar,
    rows_read integer not null,
    duplicate_rows integer not null,
    date_order varchar not null,
    date_order_ambiguous boolean not null,
    build_id varchar                      -- warehouse build the titles were matched on
);
-- one row per distinct watched item (a show or a movie) of a profile
create table if not exists profile_items (
    profile_id varchar not null,
    item_key varchar not null,            -- show_id when matched, else '~' + normalized name
    item_name varchar not null,
    show_id varchar,                      -- catalog title, null when unmatched
    kind varchar,
    is_episode boolean not null,
    episodes integer not null,            -- rows of the file for this item
    first_watched date not null,
    last_watched date not null,
    match_method varchar,
    match_score double,
    hidden boolean not null default false -- hidden by the owner: out of insights and blends
);
-- one row per kept row of the uploaded file
create table if not exists profile_viewings (
    profile_id varchar not null,
    item_key varchar not null,
    row_number integer not null,
    watched_on date not null,
    item_name varchar not null,
    season varchar,
    episode varchar,
    is_episode boolean not null,
    show_id varchar
);
create table if not exists blends (
    blend_id varchar primary key,
    created_at timestamp not null
);
create table if not exists blend_members (
    blend_id varchar not null,
    profile_id varchar not null,
    joined_at timestamp not null
);
