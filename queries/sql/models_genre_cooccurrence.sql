-- one row per pair of Netflix categories (both orders) among the $top most frequent in the
-- filtered catalog: titles carrying both, and that count as a share of the row label's titles
with combos as (
    -- one row per category list of the filtered titles (a few thousand at most, even at a
    -- million titles); each title's list holds each category once, like the title_genres
    -- bridge, so pairs are counted per list and weighted by its titles
    select genres, count(*) as titles
    from filtered_titles($filters)
    group by genres
),
labels as (
    select unnest(genres) as genre, titles from combos
),
top as (
    select genre, sum(titles)::bigint as titles
    from labels
    group by genre
    order by titles desc, genre
    limit $top
),
pairs as (
    select a.genre as genre_a, b.genre as genre_b, sum(c.titles)::bigint as both_titles
    from combos as c,
         unnest(c.genres) as a(genre),
         unnest(c.genres) as b(genre)
    where a.genre in (select genre from top) and b.genre in (select genre from top)
    group by all
)
select p.genre_a, p.genre_b, p.both_titles, round(p.both_titles / t.titles, 4) as share_of_a
from pairs as p join top as t on t.genre = p.genre_a
order by genre_a, genre_b
