-- one row: headline numbers of the Netflix catalog under the global filters
with filtered as (
    select * from filtered_titles($kinds::varchar[], $year_from::integer, $year_to::integer,
                                  $added_from::date, $added_to::date, $genres::varchar[],
                                  $countries::varchar[], $ratings::varchar[])
),
catalog as (
    select
        count(*) as titles,
        count(*) filter (where kind = 'movie') as movies,
        count(*) filter (where kind = 'show') as shows,
        min(date_added) as first_added,
        max(date_added) as last_added,
        round(avg(imdb_score), 2) as mean_imdb_score,
        coalesce(round(count(imdb_title_id) / nullif(count(*), 0), 4), 0) as imdb_match_rate
    from filtered
),
countries as (
    -- counted apart: joining the bridge to titles would repeat every title per country
    select count(distinct country) as countries
    from title_countries where show_id in (select show_id from filtered)
)
select
    c.titles, c.movies, c.shows, k.countries, c.first_added, c.last_added,
    c.mean_imdb_score, c.imdb_match_rate
from catalog as c
cross join countries as k
