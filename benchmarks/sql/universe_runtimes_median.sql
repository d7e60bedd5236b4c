-- baseline of benchmarks/bench_rewrites.py: queries/sql/universe_runtimes.sql as it was,
-- median() over every filtered movie (not shipped)
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
