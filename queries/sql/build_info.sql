-- one row: the published build's identity and freshness
select build_id, built_at, source, code_version from build_info
