-- titles_count: one row, the number of Netflix titles that pass the global filters and
-- the explorer's search. $search (lower-cased, null = no search) matches a substring
-- of the title, the description or the name of a director or cast member.
with searched as (
    select t.show_id
    from filtered_titles($filters) as t
    where $search::varchar is null
       or contains(lower(t.title), $search::varchar)
       or contains(lower(t.description), $search::varchar)
       or t.show_id in (select p.show_id from title_people as p
                        where contains(lower(p.person_name), $search::varchar))
)
select count(*) as titles from searched
