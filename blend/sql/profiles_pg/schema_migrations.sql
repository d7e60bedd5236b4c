-- the migrations applied to this database, one row each (created before the first one)
create table if not exists schema_migrations (
    version integer primary key,
    name text not null,
    applied_at timestamptz not null default now()
)
