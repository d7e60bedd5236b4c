-- one row: the values the global filter bar offers (ranges, and lists by frequency);
-- genre_kinds[i]: the kinds of title genres[i] holds ('movie', 'show' or 'movie,show':
-- Netflix categories are each one kind's, so the bar offers a type's own)
with genres as (
    select list(genre order by n desc, genre) as genres,
           list(kinds order by n desc, genre) as genre_kinds
    from (select g.genre, count(*) as n,
                 string_agg(distinct t.kind, ',' order by t.kind) as kinds
          from title_genres as g join titles as t using (show_id)
          group by g.genre)
),
countries as (
    select list(country order by n desc, country) as countries
    from (select country, count(*) as n from title_countries group by country)
),
ratings as (
    select list(maturity_rating order by n desc, maturity_rating) as ratings
    from (select maturity_rating, count(*) as n from titles
          where maturity_rating is not null group by maturity_rating)
)
select
    (select min(release_year) from titles) as year_min,
    (select max(release_year) from titles) as year_max,
    (select min(date_added) from titles) as added_min,
    (select max(date_added) from titles) as added_max,
    genres.genres, genres.genre_kinds, countries.countries, ratings.ratings
from genres, countries, ratings
