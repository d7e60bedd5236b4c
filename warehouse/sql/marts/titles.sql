-- depends on: engagement_score, engagement_score_tmdb
-- titles: one row per Netflix title (show_id), enriched with IMDb/TMDB audience metrics
-- where the title was matched (see title_matches for how and how surely), and one
-- engagement score for every title with an audience metric: IMDb-based where IMDb score
-- and votes exist, else TMDB-based (engagement_basis says which; docs/PERFORMANCE.md).
-- IMDb score and votes come from the bundled 2022 dataset, else from the user's IMDb
-- dataset files when a refresh was given them (--imdb-dir; docs/MATCHING.md).
with netflix as (
    select * from staging.stg_netflix_titles
),
imdb_match as (
    select * from staging.stg_title_matches where source = 'imdb'
),
datasets_match as (
    select * from staging.stg_title_matches where source = 'imdb_datasets'
),
market_match as (
    select * from staging.stg_title_matches where source = 'tmdb_market'
),
genres as (
    select show_id, list(genre order by position) as genres
    from staging.stg_netflix_title_genres group by show_id
),
countries as (
    select show_id, list(country order by position) as countries
    from staging.stg_netflix_title_countries group by show_id
),
final as (
    select
        n.show_id,
        n.kind,
        n.title,
        n.description,
        n.release_year,
        n.date_added,
        date_trunc('month', n.date_added)::date as month_added,
        year(n.date_added) as year_added,
        year(n.date_added) - n.release_year as addition_lag_years,
        n.maturity_rating,
        n.runtime_minutes,
        n.seasons,
        coalesce(g.genres, []) as genres,
        g.genres[1] as primary_genre,
        coalesce(c.countries, []) as countries,
        c.countries[1] as primary_country,
        n.directors_text as directors,
        im.matched_key as imdb_title_id,
        coalesce(i.imdb_id, dm.matched_key) as imdb_id,
        coalesce(i.imdb_score, d.average_rating) as imdb_score,
        coalesce(i.imdb_votes, d.num_votes) as imdb_votes,
        coalesce(e.popularity, i.tmdb_popularity, m.popularity) as tmdb_popularity,
        coalesce(e.vote_average, i.tmdb_score, m.vote_average) as tmdb_score,
        coalesce(e.vote_count, m.vote_count) as tmdb_vote_count,
        coalesce(e.original_language, m.original_language) as original_language,
        coalesce(e.poster_url, m.poster_url) as poster_url,
        mm.matched_key as tmdb_key,
        im.match_method,
        im.match_confidence,
        engagement_score(coalesce(i.imdb_score, d.average_rating),
                         coalesce(i.imdb_votes, d.num_votes),
                         coalesce(e.popularity, i.tmdb_popularity, m.popularity))
            as imdb_engagement,
        -- from the title's own TMDB columns below, so a reader can recompute it
        engagement_score_tmdb(coalesce(e.vote_average, i.tmdb_score, m.vote_average),
                              coalesce(e.vote_count, m.vote_count),
                              coalesce(e.popularity, i.tmdb_popularity, m.popularity))
            as tmdb_engagement
    from netflix as n
    left join genres as g using (show_id)
    left join countries as c using (show_id)
    left join imdb_match as im using (show_id)
    left join staging.stg_imdb_titles as i on i.imdb_title_id = im.matched_key
    left join datasets_match as dm using (show_id)
    left join staging.stg_imdb_ds_titles as d on d.tconst = dm.matched_key
    left join market_match as mm using (show_id)
    left join staging.stg_tmdb_titles as m on m.tmdb_key = mm.matched_key
    left join staging.stg_tmdb_enrichment as e using (show_id)
)
select * exclude (imdb_engagement, tmdb_engagement),
       coalesce(imdb_engagement, tmdb_engagement) as engagement_score,
       case when imdb_engagement is not null then 'imdb'
            when tmdb_engagement is not null then 'tmdb' end as engagement_basis,
       -- an integer key for joins with the bridges: at a million titles, joining 7 M
       -- credit rows on the varchar show_id made the top-actors query 2-3x slower
       -- (benchmarks/bench_top_people.py)
       row_number() over (order by show_id)::integer as title_no
from final order by show_id
