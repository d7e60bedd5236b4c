-- depends on: tmdb_title_genres, tmdb_titles
-- tmdb_title_families: one row per TMDB market title × genre family, the market side of
-- the Market page's comparisons: TMDB's TV genre names folded onto the movie names the
-- families use (Action & Adventure → Action, Sci-Fi & Fantasy → Science Fiction,
-- Kids → Family), media type as the Netflix kind (tv → show), duplicates merged.
with genres as (
    select g.tmdb_key, g.genre, t.media_type, t.release_year, t.release_month
    from tmdb_title_genres as g
    join tmdb_titles as t using (tmdb_key)
),
final as (
    select distinct
        tmdb_key,
        case media_type when 'tv' then 'show' else media_type end as kind,
        release_year,
        release_month,
        case genre when 'Action & Adventure' then 'Action'
                   when 'Sci-Fi & Fantasy' then 'Science Fiction'
                   when 'Kids' then 'Family' else genre end as genre_family
    from genres
)
select * from final order by tmdb_key, genre_family
