-- one row: headline numbers of the Netflix catalog under the global filters
with filtered as not materialized (
    -- only the columns used. Read twice (the totals, the country count): `not
    -- materialized` filters the scan twice instead of copying the titles' country lists
    -- first, 1.6x less CPU at 1M titles (benchmarks/bench_cte_inline.py)
    select kind, date_added, imdb_score, imdb_title_id, countries
    from filtered_titles($filters)
),
catalog as (
    select
        count(*) as titles,
        count(*) filter (where kind = 'movie') as movies,
        count(*) filter (where kind = 'show') as shows,
        min(date_added) as first_added,
        max(date_added) as last_added,
        round(avg(imdb_score), 2) as mean_imdb_score,
        -- what the mean rests on: matched to IMDb is not the same as scored there
        count(imdb_score) as imdb_scored,
        coalesce(round(count(imdb_title_id) / nullif(count(*), 0), 4), 0) as imdb_match_rate
    from filtered
),
countries as (
    -- counted apart, from the titles' own country lists (titles.countries mirrors the
    -- title_countries bridge): unnesting them is far cheaper than a semi-join on it
    select count(distinct country) as countries
    from (select unnest(countries) as country from filtered)
)
select
    c.titles, c.movies, c.shows, k.countries, c.first_added, c.last_added,
    c.mean_imdb_score, c.imdb_scored, c.imdb_match_rate
from catalog as c
cross join countries as k
