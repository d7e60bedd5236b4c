-- one row per Netflix title: text, metadata and its Netflix categories (the labels),
-- with matched IMDb/TMDB genres and the IMDb synopsis (matched_description) where the
-- title was matched
with people as (
    select show_id, list(person_name order by role, billing_order) as people
    from title_people group by show_id
)
select
    t.show_id as id, t.kind, t.title, coalesce(t.description, '') as description,
    t.countries, t.maturity_rating, t.release_year, t.runtime_minutes, t.seasons,
    coalesce(p.people, []) as people,
    coalesce(i.genres, []) as imdb_genres, coalesce(i.description, '') as matched_description,
    coalesce(m.genres, []) as tmdb_genres,
    t.genres as labels
from titles as t
left join people as p using (show_id)
left join imdb_titles as i using (imdb_title_id)
left join tmdb_titles as m using (tmdb_key)
where len(t.genres) > 0
order by t.show_id
