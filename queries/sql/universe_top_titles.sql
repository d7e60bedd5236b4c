-- one row per title (the $limit most popular on TMDB): what a poster card shows, plus
-- how many filtered titles have a poster URL at all, under the global filters
with filtered as not materialized (
    -- read twice (the top N, the poster count): `not materialized` lets the top N be a
    -- top-N over the scan instead of a copy of every filtered title, 3.7x less CPU at 1M
    -- titles (benchmarks/bench_cte_inline.py)
    select show_id, title, kind, release_year, primary_genre, tmdb_score, imdb_score,
           tmdb_popularity, poster_url
    from filtered_titles($filters)
),
top as (
    select * from filtered
    where tmdb_popularity is not null
    order by tmdb_popularity desc, show_id
    limit $limit
)
select t.show_id, t.title, t.kind, t.release_year, t.primary_genre, t.tmdb_score,
       t.imdb_score, t.tmdb_popularity, t.poster_url,
       (select count(poster_url) from filtered)::integer as titles_with_poster
from top as t
order by t.tmdb_popularity desc, t.show_id
