-- one row per 10-minute runtime bin of movies (bin_start 200 holds 200+ minutes), with
-- the median runtime of all the filtered movies, under the global filters
with movies as (
    select runtime_minutes
    from filtered_titles($filters)
    where kind = 'movie' and runtime_minutes is not null
)
select least(runtime_minutes // 10 * 10, 200)::integer as bin_start, count(*)::integer as movies,
       (select median(runtime_minutes) from movies)::double as median_minutes
from movies
group by bin_start
order by bin_start
