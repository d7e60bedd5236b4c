-- one row per pair of Netflix categories (both orders) among the $top most frequent in the
-- filtered catalog: titles carrying both, and that count as a share of the row label's titles
with filtered as (
    select show_id from filtered_titles($kinds::varchar[], $year_from::integer, $year_to::integer,
                                        $added_from::date, $added_to::date, $genres::varchar[],
                                        $countries::varchar[], $ratings::varchar[])
),
labels as (
    select g.show_id, g.genre from title_genres as g join filtered using (show_id)
),
top as (
    select genre, count(*) as titles from labels group by genre order by titles desc, genre limit $top
),
pairs as (
    select a.genre as genre_a, b.genre as genre_b, count(*) as both_titles
    from labels as a join labels as b using (show_id)
    where a.genre in (select genre from top) and b.genre in (select genre from top)
    group by all
)
select p.genre_a, p.genre_b, p.both_titles, round(p.both_titles / t.titles, 4) as share_of_a
from pairs as p join top as t on t.genre = p.genre_a
order by genre_a, genre_b
