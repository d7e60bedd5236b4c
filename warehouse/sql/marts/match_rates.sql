-- depends on: title_matches
-- match_rates: one row per source × kind × match method (method 'all' = any method):
-- how many Netflix titles were linked, and what share of that kind it is.
with netflix as (
    select kind, count(*) as titles from staging.stg_netflix_titles group by kind
),
sources as (
    select unnest(['imdb', 'tmdb_market', 'imdb_datasets']) as source
),
by_method as (
    select source, kind, match_method, count(*) as matched_titles
    from title_matches group by all
),
any_method as (
    select source, kind, 'all' as match_method, count(*) as matched_titles
    from title_matches group by all
),
final as (
    select s.source, n.kind, coalesce(x.match_method, 'all') as match_method,
           n.titles, coalesce(x.matched_titles, 0) as matched_titles,
           round(coalesce(x.matched_titles, 0) / n.titles, 4) as match_rate
    from sources as s
    cross join netflix as n
    left join (select * from by_method union all select * from any_method) as x
        on x.source = s.source and x.kind = n.kind
)
select * from final order by source, kind, match_method
