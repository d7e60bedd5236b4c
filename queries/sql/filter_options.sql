-- one row: the values the global filter bar offers (ranges, and lists by frequency)
with genres as (
    select list(genre order by n desc, genre) as genres
    from (select genre, count(*) as n from title_genres group by genre)
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
    genres.genres, countries.countries, ratings.ratings
from genres, countries, ratings
