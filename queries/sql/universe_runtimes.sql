-- one row per 10-minute runtime bin of movies (bin_start 200 holds 200+ minutes), with
-- the median runtime of all the filtered movies, under the global filters
with counts as (
    -- movies per exact runtime (whole minutes: a few hundred values): the bins and the
    -- median both read these counts, not the movies (as universe_addition_lag.sql;
    -- benchmarks/bench_rewrites.py)
    select runtime_minutes, count(*) as movies
    from filtered_titles($filters)
    where kind = 'movie' and runtime_minutes is not null
    group by runtime_minutes
),
running as (
    select runtime_minutes,
           sum(movies) over (order by runtime_minutes rows unbounded preceding) as movies_up_to,
           sum(movies) over () as all_movies
    from counts
),
median as (
    -- as median() gives it: the middle runtime, or the mean of the two middle ones
    select (min(runtime_minutes) filter (where movies_up_to > (all_movies - 1) // 2)
            + min(runtime_minutes) filter (where movies_up_to > all_movies // 2))::double / 2
               as median_minutes
    from running
)
select least(runtime_minutes // 10 * 10, 200)::integer as bin_start,
       sum(movies)::integer as movies,
       (select median_minutes from median) as median_minutes
from counts
group by bin_start
order by bin_start
