-- one row per lag × kind: titles by years between release and Netflix addition
-- (lags of 30 years or more share the bucket 30), under the global filters
with counts as (
    -- titles per exact lag (whole years: a hundred or so values) and kind: the histogram
    -- and the medians both read these counts, not the titles (median() over the titles
    -- sorted every lag: half the query's CPU at 1M titles, bench_rewrites.py)
    select kind, addition_lag_years as lag_years, count(*) as titles
    from filtered_titles($filters)
    where addition_lag_years is not null
    group by all
),
running as (
    select kind, lag_years,
           sum(titles) over (partition by kind order by lag_years
                             rows unbounded preceding) as titles_up_to,
           sum(titles) over (partition by kind) as kind_titles
    from counts
),
medians as (
    -- the median as median() gives it: the middle lag, or the mean of the two middle
    -- lags when a kind has an even count (0-based positions (n-1)//2 and n//2)
    select kind,
           (min(lag_years) filter (where titles_up_to > (kind_titles - 1) // 2)
            + min(lag_years) filter (where titles_up_to > kind_titles // 2))::double / 2
               as median_lag_years
    from running
    group by kind
),
final as (
    select least(lag_years, 30)::integer as lag_years, kind, sum(titles)::integer as titles
    from counts
    group by all
)
select final.lag_years, final.kind, final.titles, m.median_lag_years
from final join medians as m using (kind)
order by lag_years, kind
