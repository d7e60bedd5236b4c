-- one row per Netflix series × month: titles added per month by type, by each of the
-- $top_genres most added categories and by each of the $top_countries most added
-- production countries, from $start to the last complete month of additions, zeros filled
with additions as (
    select show_id, kind, month_added as month, date_added
    from titles
    where date_added is not null
),

window_end as (
    -- the catalog snapshot stops mid-month (2021-09-25): a partial month would read as
    -- a collapse, so the window ends with the last month additions cover in full
    select case when max(date_added) = last_day(max(date_added)) then max(month)
                else (max(month) - interval 1 month)::date end as last_month
    from additions
),

months as (
    select unnest(generate_series($start::date, (select last_month from window_end),
                                  interval 1 month))::date as month
),

in_window as (
    select a.* from additions as a join months using (month)
),

by_type as (
    select 'netflix_type' as family, m.kind as name, months.month,
           count(a.show_id) as value
    from months
    cross join (select distinct kind from titles) as m
    left join in_window as a on a.month = months.month and a.kind = m.kind
    group by all
),

top_genres as (
    select genre as name
    from title_genres join in_window using (show_id)
    group by genre
    order by count(*) desc, genre
    limit $top_genres
),

by_genre as (
    select 'netflix_genre' as family, g.name, months.month, count(a.show_id) as value
    from months
    cross join top_genres as g
    left join (select a.month, tg.genre, a.show_id
               from in_window as a join title_genres as tg using (show_id)) as a
        on a.month = months.month and a.genre = g.name
    group by all
),

top_countries as (
    select country as name
    from title_countries join in_window using (show_id)
    group by country
    order by count(*) desc, country
    limit $top_countries
),

by_country as (
    select 'netflix_country' as family, c.name, months.month, count(a.show_id) as value
    from months
    cross join top_countries as c
    left join (select a.month, tc.country, a.show_id
               from in_window as a join title_countries as tc using (show_id)) as a
        on a.month = months.month and a.country = c.name
    group by all
),

final as (
    select * from by_type
    union all select * from by_genre
    union all select * from by_country
)

select family, name, month, value::double as value
from final
order by family, name, month
