-- depends on: titles
-- monthly_totals: one row per month × kind: titles added that month (every month from
-- the first to the last addition, zeros included).
with months as (
    select unnest(generate_series(min(month_added), max(month_added), interval 1 month))::date
        as month
    from titles
),
kinds as (
    select unnest(['movie', 'show']) as kind
),
counts as (
    select month_added as month, kind, count(*) as titles_added
    from titles where month_added is not null group by all
),
final as (
    select m.month, k.kind, coalesce(c.titles_added, 0) as titles_added
    from months as m
    cross join kinds as k
    left join counts as c on c.month = m.month and c.kind = k.kind
)
select * from final order by month, kind
