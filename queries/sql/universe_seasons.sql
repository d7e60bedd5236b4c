-- one row per season count of TV shows (10 holds 10 or more), with the longest run,
-- under the global filters
with shows as (
    select seasons
    from filtered_titles($filters)
    where kind = 'show' and seasons is not null
)
select least(seasons, 10)::integer as seasons, count(*)::integer as shows,
       (select max(seasons) from shows)::integer as max_seasons
from shows
group by all
order by seasons
