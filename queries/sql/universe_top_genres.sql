-- one row per Netflix category (top $limit by titles): titles, movies, shows, and the
-- filtered title count it is a share of, under the global filters
with filtered as not materialized (
    -- read twice (the genres, the total): `not materialized` filters the scan twice
    -- instead of copying every title's genre list first (benchmarks/bench_cte_inline.py)
    select kind, genres
    from filtered_titles($filters)
),
per_genre as (
    select genre, count(*)::integer as titles,
           (count(*) filter (where kind = 'movie'))::integer as movies,
           (count(*) filter (where kind = 'show'))::integer as shows
    from (select kind, unnest(genres) as genre from filtered)
    group by genre
)
select g.genre, g.titles, g.movies, g.shows,
       (select count(*) from filtered)::integer as total_titles,
       (select count(*) from per_genre)::integer as genres_named
from per_genre as g
order by g.titles desc, g.genre
limit $limit
