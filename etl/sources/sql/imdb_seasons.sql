-- One row per kept series with episodes (imdb_kept): how many seasons IMDb lists.
select parentTconst as tconst, count(distinct seasonNumber)::varchar as seasons
from read_csv($path, delim = '\t', header = true, quote = '', escape = '',
              nullstr = '\N', all_varchar = true)
where parentTconst in (select tconst from imdb_kept) and seasonNumber is not null
group by parentTconst
