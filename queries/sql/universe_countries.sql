-- one row per production country: titles naming it (movies, shows), and the filtered
-- title count it is a share of, under the global filters; a co-production counts once
-- for each of its countries (coproductions = titles naming two or more)
with filtered as not materialized (
    -- read twice (the countries, the totals): `not materialized` filters the scan twice
    -- instead of copying every title's country list first (benchmarks/bench_cte_inline.py)
    select kind, countries
    from filtered_titles($filters)
),
per_country as (
    select country, count(*)::integer as titles,
           (count(*) filter (where kind = 'movie'))::integer as movies,
           (count(*) filter (where kind = 'show'))::integer as shows
    from (select kind, unnest(countries) as country from filtered)
    group by country
),
totals as (
    -- one pass for the three counts
    select count(*)::integer as total_titles,
           (count(*) filter (where len(countries) = 0))::integer as titles_without_country,
           (count(*) filter (where len(countries) > 1))::integer as coproductions
    from filtered
)
select c.country, c.titles, c.movies, c.shows, t.total_titles, t.titles_without_country,
       t.coproductions
from per_country as c
cross join totals as t
order by c.titles desc, c.country
