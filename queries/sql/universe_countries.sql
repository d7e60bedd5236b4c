-- one row per production country: titles naming it (movies, shows), and the filtered
-- title count it is a share of, under the global filters; a co-production counts once
-- for each of its countries (coproductions = titles naming two or more)
with filtered as (
    select kind, countries
    from filtered_titles($filters)
),
per_country as (
    select country, count(*)::integer as titles,
           (count(*) filter (where kind = 'movie'))::integer as movies,
           (count(*) filter (where kind = 'show'))::integer as shows
    from (select kind, unnest(countries) as country from filtered)
    group by country
)
select c.country, c.titles, c.movies, c.shows,
       (select count(*) from filtered)::integer as total_titles,
       (select count(*) from filtered where len(countries) = 0)::integer as titles_without_country,
       (select count(*) from filtered where len(countries) > 1)::integer as coproductions
from per_country as c
order by c.titles desc, c.country
