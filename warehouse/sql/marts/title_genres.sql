-- title_genres: one row per Netflix title × listed_in category, with its genre family
with genres as (
    select * from staging.stg_netflix_title_genres
),
final as (
    select g.show_id, g.genre, g.position, m.genre_family, m.category_kind
    from genres as g
    left join staging.stg_genre_map as m on m.netflix_genre = g.genre
)
select * from final order by show_id, position
