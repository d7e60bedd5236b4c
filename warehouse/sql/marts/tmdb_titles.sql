-- tmdb_titles: one row per title of the TMDB market (movies from the snapshot; movies
-- and TV from the live API), flagged when the title is also in the Netflix catalog.
with market as (
    select * from staging.stg_tmdb_titles
),
genres as (
    select tmdb_key, list(genre order by genre) as genres
    from staging.stg_tmdb_title_genres group by tmdb_key
),
on_netflix as (
    select distinct matched_key as tmdb_key
    from staging.stg_title_matches where source = 'tmdb_market'
),
final as (
    select
        m.tmdb_key, m.tmdb_id, m.media_type, m.title, m.overview, m.original_language,
        m.popularity, m.vote_average, m.vote_count, m.release_date,
        year(m.release_date) as release_year,
        month(m.release_date) as release_month,
        m.poster_url, m.source_list,
        coalesce(g.genres, []) as genres,
        o.tmdb_key is not null as on_netflix
    from market as m
    left join genres as g using (tmdb_key)
    left join on_netflix as o using (tmdb_key)
)
select * from final order by tmdb_key
