-- one row per Netflix title: its synopsis and Netflix categories (the clustering input)
select
    show_id, title, kind, release_year,
    coalesce(description, '') as description,
    coalesce(genres, []) as genres
from titles
order by show_id
