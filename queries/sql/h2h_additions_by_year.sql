-- one row per side ('a', 'b') × year added: filtered titles of Netflix category
-- ($mode 'genre') or production country ($mode 'country') $a and $b added that year,
-- with zeros for years in between (undated titles are left out)
with scope as (
    select genres, countries, year(date_added) as year
    from filtered_titles($filters)
    where date_added is not null
),
counts as (
    -- sides read from each title's own category / country list (the same values as the
    -- title_genres / title_countries bridges, one each per title): one pass, no join
    select s.side, t.year, count(*) as titles_added
    from scope as t
    join (values ('a', $a::varchar), ('b', $b::varchar)) as s(side, pick)
      on case $mode::varchar when 'genre' then list_contains(t.genres, s.pick)
                             when 'country' then list_contains(t.countries, s.pick)
                             else false end
    group by s.side, t.year
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
