-- baseline of benchmarks/bench_rewrites.py: queries/sql/universe_addition_lag.sql as it
-- was, median() over every filtered title (not shipped)
with filtered as (
    select kind, addition_lag_years
    from filtered_titles($filters)
    where addition_lag_years is not null
),
medians as (
    select kind, median(addition_lag_years)::double as median_lag_years
    from filtered group by kind
),
final as (
    select least(f.addition_lag_years, 30)::integer as lag_years, f.kind,
           count(*)::integer as titles
    from filtered as f
    group by all
)
select final.lag_years, final.kind, final.titles, m.median_lag_years
from final join medians as m using (kind)
order by lag_years, kind
