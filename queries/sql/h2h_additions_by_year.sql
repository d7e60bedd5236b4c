-- one row per side ('a', 'b') × year added: filtered titles of Netflix category
-- ($mode 'genre') or production country ($mode 'country') $a and $b added that year,
-- with zeros for years in between (undated titles are left out)
with scope as (
    select show_id, year(date_added) as year
    from filtered_titles($kinds::varchar[], $year_from::integer, $year_to::integer,
                         $added_from::date, $added_to::date, $genres::varchar[],
                         $countries::varchar[], $ratings::varchar[])
    where date_added is not null
),
members as (
    select 'a' as side, show_id from title_genres
    where $mode::varchar = 'genre' and genre = $a::varchar
    union all
    select 'b', show_id from title_genres where $mode::varchar = 'genre' and genre = $b::varchar
    union all
    select 'a', show_id from title_countries
    where $mode::varchar = 'country' and country = $a::varchar
    union all
    select 'b', show_id from title_countries
    where $mode::varchar = 'country' and country = $b::varchar
),
counts as (
    select m.side, s.year, count(*) as titles_added
    from members as m
    join scope as s using (show_id)
    group by m.side, s.year
),
grid as (
    select side, range as year
    from (select unnest(['a', 'b']) as side),
         range((select min(year) from counts), (select max(year) from counts) + 1)
),
final as (
    select g.side, g.year, coalesce(c.titles_added, 0) as titles_added
    from grid as g
    left join counts as c using (side, year)
)
select * from final
order by side, year
