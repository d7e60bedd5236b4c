-- titles_similar: up to $max_titles rows, one per Netflix title similar to $show_id:
-- titles with exactly the same Netflix categories, or sharing a director or cast
-- member. Best first: more shared people, then same categories, same kind, closest
-- release year, more IMDb votes. Two scans of titles/title_people, no pairwise work.
with target as (
    select show_id, kind, release_year, genres from titles where show_id = $show_id::varchar
),
target_people as (
    select distinct person_name from title_people where show_id = $show_id::varchar
),
shared as (
    select p.show_id, count(distinct p.person_name) as shared_people,
           list(distinct p.person_name order by p.person_name) as shared_names
    from title_people as p
    join target_people as tp using (person_name)
    where p.show_id <> $show_id::varchar
    group by p.show_id
),
candidates as (
    select t.show_id, t.title, t.kind, t.release_year, t.imdb_score, t.imdb_votes,
           coalesce(s.shared_people, 0) as shared_people,
           coalesce(s.shared_names, []) as shared_names,
           len(g.genres) > 0 and t.genres = g.genres as same_genres,
           t.kind = g.kind as same_kind,
           abs(t.release_year - g.release_year) as year_gap
    from titles as t
    cross join target as g
    left join shared as s on s.show_id = t.show_id
    where t.show_id <> g.show_id
      and ((len(g.genres) > 0 and t.genres = g.genres) or s.show_id is not null)
),
final as (
    select * from candidates
    order by shared_people desc, same_genres desc, same_kind desc, year_gap asc nulls last,
             imdb_votes desc nulls last, show_id
    limit $max_titles::integer
)
select * from final
