-- one row per TMDB series × month: movies released per month and their mean TMDB
-- popularity, for each of the $top_genres most released genres, from $start to the
-- last month the market lists still cover (zeros filled; popularity null without releases)
with releases as (
    select tmdb_key, date_trunc('month', release_date)::date as month, popularity
    from tmdb_titles
    -- movies only: TV "release" is a first-air date and TV genres are named differently;
    -- released ones only: a film nobody has voted on is announced, not out (the 2022
    -- export lists films dated 2023-24)
    where media_type = 'movie' and release_date >= $start::date and vote_count > 0
),

spine as (
    select unnest(generate_series($start::date, (select max(month) from releases),
                                  interval 1 month))::date as month
),

coverage as (
    select spine.month, count(r.tmdb_key) as movies
    from spine left join releases as r using (month)
    group by spine.month
),

coverage_vs_usual as (
    select month, movies,
           median(movies) over (order by month rows between 12 preceding and 1 preceding)
               as usual_movies,
           row_number() over (order by month) as month_number
    from coverage
),

window_end as (
    -- the lists are exported at one moment: the months around the export hold only the
    -- few films already listed. The window ends with the last month holding at least
    -- $min_coverage × the median of the 12 months before it (a one-off dip such as
    -- May 2020 does not end it; the collapse after the export does). A usual of 0
    -- counts for nothing: a year after the collapse every month "covers" 0
    select max(month) filter (where month_number > 12 and usual_movies > 0
                                and movies >= $min_coverage * usual_movies) as last_month
    from coverage_vs_usual
),

months as (
    select month from spine where month <= (select last_month from window_end)
),

genre_releases as (
    select g.genre, r.month, r.tmdb_key, r.popularity
    from releases as r
    join tmdb_title_genres as g using (tmdb_key)
    join months using (month)
),

top_genres as (
    select genre from genre_releases group by genre order by count(*) desc, genre
    limit $top_genres
),

monthly as (
    select top_genres.genre as name, months.month,
           count(gr.tmdb_key) as movies, avg(gr.popularity) as mean_popularity
    from months
    cross join top_genres
    left join genre_releases as gr on gr.genre = top_genres.genre and gr.month = months.month
    group by all
),

final as (
    select 'tmdb_releases' as family, name, month, movies::double as value from monthly
    union all
    select 'tmdb_popularity' as family, name, month, mean_popularity as value from monthly
)

select family, name, month, value
from final
order by family, name, month
