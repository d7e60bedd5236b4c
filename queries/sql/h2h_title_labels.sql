-- one row per show_id of $show_ids that exists: what a title picker shows for it
select show_id, title, kind, release_year
from titles
where list_contains($show_ids::varchar[], show_id)
order by show_id
