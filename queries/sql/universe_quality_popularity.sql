-- one row per title (the $limit with most IMDb votes, then the most popular) with a TMDB
-- score and popularity, plus the count and the score–log(popularity) correlation of all
-- such filtered titles. IMDb votes only size the dots: a title matched to TMDB alone is
-- drawn too (requiring votes left out 1,409 of them, and said "no titles" for filters
-- whose titles all were)
with matched as not materialized (
    -- read twice (the stats, the top N): `not materialized` lets the top N be a top-N over
    -- the scan instead of a copy of every matched title (benchmarks/bench_cte_inline.py)
    select show_id, title, kind, release_year, primary_genre, tmdb_score, tmdb_popularity,
           imdb_votes
    from filtered_titles($filters)
    where tmdb_score > 0 and tmdb_popularity > 0
),
stats as (
    select count(*)::integer as matched_titles,
           corr(tmdb_score, ln(tmdb_popularity)) as score_popularity_corr
    from matched
),
shown as (
    -- show_id breaks ties, so the same titles are drawn every time (at 1M synthetic
    -- titles, replicas share a title and can share a vote count)
    select * from matched
    order by imdb_votes desc nulls last, tmdb_popularity desc, title, show_id
    limit $limit
)
select s.title, s.kind, s.release_year, s.primary_genre, s.tmdb_score, s.tmdb_popularity,
       s.imdb_votes, stats.matched_titles, stats.score_popularity_corr
from shown as s
cross join stats
order by s.imdb_votes desc nulls last, s.tmdb_popularity desc, s.title, s.show_id
