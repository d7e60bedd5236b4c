-- One row per rated kept title (imdb_kept): IMDb's weighted average and vote count.
select tconst, averageRating, numVotes
from read_csv($path, delim = '\t', header = true, quote = '', escape = '',
              nullstr = '\N', all_varchar = true)
where tconst in (select tconst from imdb_kept)
