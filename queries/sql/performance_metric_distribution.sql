-- one row per kind × histogram bin of one metric ($metric, a name from the wrapper's
-- allow-list) over the filtered titles, with the kind's summary repeated on each row.
-- Bins are equal-width, about $bins of them, over the metric's range (of log10 of it
-- when $log_scale), at round-number edges; integer metrics get whole-number bins.
-- box_* columns are on the binned (axis) scale; mean_value and median_value are in the
-- metric's own units.
with filtered as (
    select
        kind,
        case $metric::varchar
            when 'imdb_score' then imdb_score
            when 'imdb_votes' then imdb_votes
            when 'tmdb_popularity' then tmdb_popularity
            when 'tmdb_score' then tmdb_score
            when 'tmdb_vote_count' then tmdb_vote_count
            when 'runtime_minutes' then runtime_minutes
            when 'seasons' then seasons
            when 'release_year' then release_year
            when 'addition_lag_years' then addition_lag_years
            when 'engagement_score' then engagement_score
        end::double as raw_value
    from filtered_titles($filters)
),
valued as (
    select
        kind,
        raw_value,
        case when $log_scale::boolean then log10(raw_value) else raw_value end as axis_value
    from filtered
    where raw_value is not null and (not $log_scale::boolean or raw_value > 0)
),
extent as (
    select
        min(axis_value) as lo,
        max(axis_value) as hi,
        greatest(max(axis_value) - min(axis_value), 1e-9) / $bins::integer as raw_width
    from valued
),
bounds as (
    -- a "nice" width (1, 2, 2.5 or 5 × 10^k; whole numbers for integer metrics) and a
    -- first edge on a multiple of it, so bin edges read as round numbers
    select floor(lo / width) * width as lo, hi, width
    from (
        select
            lo,
            hi,
            case when $integer_bins::boolean then greatest(1, ceil(nice)) else nice end
                as width
        from (
            select
                lo,
                hi,
                power(10, floor(log10(raw_width))) * case
                    when raw_width / power(10, floor(log10(raw_width))) <= 1 then 1
                    when raw_width / power(10, floor(log10(raw_width))) <= 2 then 2
                    when raw_width / power(10, floor(log10(raw_width))) <= 2.5 then 2.5
                    when raw_width / power(10, floor(log10(raw_width))) <= 5 then 5
                    else 10
                end as nice
            from extent
        )
    )
),
binned as (
    select
        v.kind,
        v.raw_value,
        v.axis_value,
        floor((v.axis_value - b.lo) / b.width)::integer as bin
    from valued as v
    cross join bounds as b
),
bins as (
    select kind, bin, count(*) as titles
    from binned
    group by kind, bin
),
summary as (
    -- the five box quantiles as one list aggregate: one pass over the values, not five
    select
        kind,
        kind_titles,
        mean_value,
        median_value,
        box[1] as box_p05,
        box[2] as box_q1,
        box[3] as box_median,
        box[4] as box_q3,
        box[5] as box_p95
    from (
        select
            kind,
            count(*) as kind_titles,
            avg(raw_value) as mean_value,
            median(raw_value) as median_value,
            quantile_cont(axis_value, [0.05, 0.25, 0.50, 0.75, 0.95]) as box
        from valued
        group by kind
    )
),
final as (
    select
        n.kind,
        n.bin,
        b.lo + n.bin * b.width as bin_start,
        b.lo + (n.bin + 1) * b.width as bin_end,
        n.titles,
        s.kind_titles,
        s.mean_value,
        s.median_value,
        s.box_p05,
        s.box_q1,
        s.box_median,
        s.box_q3,
        s.box_p95
    from bins as n
    join summary as s using (kind)
    cross join bounds as b
)
select * from final
order by kind, bin
