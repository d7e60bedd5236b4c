-- depends on: titles
-- imdb_titles: one row per title of the 2022 Netflix IMDb/TMDB dataset
with titles as (
    select * from staging.stg_imdb_titles
),
genres as (
    select imdb_title_id, list(genre order by genre) as genres
    from staging.stg_imdb_title_genres group by imdb_title_id
),
final as (
    select t.*, coalesce(g.genres, []) as genres
    from titles as t
    left join genres as g using (imdb_title_id)
)
select * from final order by imdb_title_id
