-- one row per Netflix title whose name contains $search (case-insensitive; every title
-- when empty), at most $limit: exact and prefix matches first, then the most voted
select show_id, title, kind, release_year
from titles
where $search::varchar = '' or contains(lower(title), lower($search::varchar))
order by
    lower(title) = lower($search::varchar) desc,
    starts_with(lower(title), lower($search::varchar)) desc,
    imdb_votes desc nulls last,
    title,
    show_id
limit $limit::integer
