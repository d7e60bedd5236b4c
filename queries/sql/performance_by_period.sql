-- one row per period of the year × kind ($period: 'month' → 1–12, 'quarter' → 1–4) in
-- which the filtered titles were added to Netflix: titles added, titles with an
-- engagement score, their mean score with a 95% confidence half-width (normal
-- approximation), and their median IMDb score. Undated titles are left out.
with filtered as (
    select
        kind,
        case when $period::varchar = 'quarter' then quarter(date_added)
             else month(date_added) end as period,
        imdb_score,
        engagement_score as engagement
    from filtered_titles($filters)
    where date_added is not null
),
final as (
    select
        period,
        kind,
        count(*) as titles_added,
        count(engagement) as scored_titles,
        avg(engagement) as mean_engagement,
        1.96 * stddev_samp(engagement) / sqrt(count(engagement)) as ci95_engagement,
        median(imdb_score) as median_imdb_score
    from filtered
    group by period, kind
)
select * from final
order by period, kind
