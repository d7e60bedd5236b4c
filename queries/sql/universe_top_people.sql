-- one row per person (top $limit by titles) in a role (director or actor): titles,
-- movies, shows, and how many people hold that role, under the global filters
-- (title_people has one row per title × person × role, so count(*) counts titles)
with filtered as (
    select show_id, kind
    from filtered_titles($kinds::varchar[], $year_from::integer, $year_to::integer,
                         $added_from::date, $added_to::date, $genres::varchar[],
                         $countries::varchar[], $ratings::varchar[])
),
per_person as (
    select p.person_name, count(*)::integer as titles,
           (count(*) filter (where f.kind = 'movie'))::integer as movies,
           (count(*) filter (where f.kind = 'show'))::integer as shows
    from title_people as p
    join filtered as f using (show_id)
    where p.role = $role
    group by p.person_name
)
select person_name, titles, movies, shows,
       (select count(*) from per_person)::integer as people
from per_person
order by titles desc, person_name
limit $limit
