-- one row per Netflix title: what a person can give for a new title (title,
-- description, type, countries, rating, release year, runtime or seasons, cast and
-- directors) and its Netflix categories (the labels). Matched IMDb/TMDB genres and
-- synopses are left out: no form, CLI or API request has them (issue 13).
-- date_added drives the temporal evaluation (train on additions before 2021, score the
-- 2021 additions: models/genre_classifier.py)
with people as (
    select show_id, list(person_name order by role, billing_order) as people
    from title_people group by show_id
)
select
    t.show_id as id, t.kind, t.title, coalesce(t.description, '') as description,
    t.countries, t.maturity_rating, t.date_added, t.release_year, t.runtime_minutes, t.seasons,
    coalesce(p.people, []) as people,
    t.genres as labels
from titles as t
left join people as p using (show_id)
where len(t.genres) > 0
order by t.show_id
