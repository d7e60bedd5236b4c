-- grain: one row per title × facet value, for the titles of the blend's profiles
-- (facet 'genre' = Netflix category, 'country' = production country)
select show_id, 'genre' as facet, genre as value
from title_genres
where list_contains($show_ids, show_id)

union all

select show_id, 'country' as facet, country as value
from title_countries
where list_contains($show_ids, show_id)
