-- one row per genre family × calendar month (1–12): titles of the filtered catalog that
-- Netflix added in that month of a complete calendar year, as a share of the family's
-- additions, next to the share of the compared TMDB market's releases in that month
with family_lookup as (
    select map(list(netflix_genre), list(genre_family)) as family_of
    from genre_map
    where genre_family is not null
),
coverage as (
    -- the last calendar year the catalog covers through December (a partial year would
    -- under-count its missing months)
    select year(max(date_added) + interval 1 day) - 1 as last_full_year
    from titles
),
combos as (
    -- one row per month × category list (small at any catalog size)
    select month(t.date_added) as month, t.genres, count(*) as titles
    from filtered_titles($filters) as t
    cross join coverage as c
    where t.date_added is not null
      and year(t.date_added) <= c.last_full_year
    group by month, t.genres
),
netflix as (
    select genre_family, month, sum(titles) as titles_added
    from (select c.month, c.titles,
                 unnest(list_distinct(list_transform(c.genres, lambda g: l.family_of[g])))
                     as genre_family
          from combos as c
          cross join family_lookup as l)
    group by genre_family, month
),
compared_kinds as (
    -- as on the saturation chart: market media types within the type filter
    select distinct kind
    from tmdb_title_families
    where len($filters['kinds']::varchar[]) = 0
       or list_contains($filters['kinds']::varchar[], kind)
),
market as (
    -- compared market titles per genre family (mart tmdb_title_families) × release month
    select genre_family, release_month as month, count(*) as market_releases
    from tmdb_title_families
    where release_month is not null
      and kind in (select kind from compared_kinds)
      and ($filters['year_from']::integer is null
           or release_year >= $filters['year_from']::integer)
      and ($filters['year_to']::integer is null
           or release_year <= $filters['year_to']::integer)
    group by genre_family, month
),
grid as (
    -- every month for each family Netflix added at least one title in
    select f.genre_family, m.month
    from (select distinct genre_family from netflix) as f
    cross join range(1, 13) as m(month)
),
final as (
    select g.genre_family,
           g.month::integer as month,
           coalesce(n.titles_added, 0)::integer as titles_added,
           round(coalesce(n.titles_added, 0)
                 / sum(coalesce(n.titles_added, 0)) over (partition by g.genre_family), 5)
               as share_of_genre,
           coalesce(k.market_releases, 0)::integer as market_releases,
           round(k.market_releases
                 / sum(k.market_releases) over (partition by g.genre_family), 5)
               as market_share_of_genre,
           (select last_full_year from coverage) as last_full_year
    from grid as g
    left join netflix as n on n.genre_family = g.genre_family and n.month = g.month
    left join market as k on k.genre_family = g.genre_family and k.month = g.month
)
select * from final
order by genre_family, month
