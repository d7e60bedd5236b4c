-- depends on: title_genres, titles
-- monthly_additions: one row per month × kind × Netflix category, every month from the
-- first to the last addition (zeros included, so series are regular for forecasting).
with added as (
    select t.show_id, t.kind, t.month_added, g.genre
    from titles as t
    join title_genres as g using (show_id)
    where t.month_added is not null
),
months as (
    select unnest(generate_series(min(month_added), max(month_added), interval 1 month))::date
        as month
    from titles
),
series as (
    select distinct kind, genre from added
),
counts as (
    select month_added as month, kind, genre, count(*) as titles_added
    from added group by all
),
final as (
    select m.month, s.kind, s.genre, coalesce(c.titles_added, 0) as titles_added
    from months as m
    cross join series as s
    left join counts as c on c.month = m.month and c.kind = s.kind and c.genre = s.genre
)
select * from final order by month, kind, genre
