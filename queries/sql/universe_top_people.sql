-- one row per person (top $limit by titles) in a role (director or actor): titles,
-- movies, shows, and how many people hold that role, under the global filters
with filtered as (
    -- the kind as a flag, tested once per title here: tested per credit below (7 M
    -- of them at 1M titles, as a string) it cost ~20 % of the actors' query
    -- (benchmarks/bench_rewrites.py)
    select title_no, kind = 'movie' as is_movie, directors
    from filtered_titles($filters)
),
credits as (
    -- directors: from each title's own director list, split as the ETL splits it for
    -- the title_people bridge (comma, trimmed, no blanks, each name once per title),
    -- once per distinct list: no join of the bridge at catalog scale
    select is_movie, titles,
           unnest(list_distinct(list_filter(list_transform(string_split(directors, ','),
                                                           lambda n: trim(n)),
                                            lambda n: n <> ''))) as person_name
    from (select is_movie, directors, count(*) as titles
          from filtered
          where $role::varchar = 'director'
          group by is_movie, directors)
    union all
    -- actors: the title_people bridge (one row per title × person × role), joined on
    -- the integer title_no: at 1M titles the query is 2-3x faster than joined on the
    -- varchar show_id (benchmarks/bench_top_people.py)
    select f.is_movie, 1 as titles, p.person_name
    from title_people as p
    join filtered as f using (title_no)
    where $role::varchar = 'actor' and p.role = 'actor'
),
per_person as (
    -- shows are the rest: a title's kind is movie or show (warehouse/schema.toml's
    -- not_null and accepted_values tests on titles.kind; a build failing them is not
    -- published)
    select person_name, sum(titles)::integer as titles,
           coalesce(sum(titles) filter (where is_movie), 0)::integer as movies
    from credits
    group by person_name
)
select person_name, titles, movies, titles - movies as shows,
       (select count(*) from per_person)::integer as people
from per_person
order by titles desc, person_name
limit $limit
