-- One row per alternate title of a kept title (imdb_kept): the title as known in one
-- region and/or language.
select titleId, title, region, language, isOriginalTitle
from read_csv($path, delim = '\t', header = true, quote = '', escape = '',
              nullstr = '\N', all_varchar = true)
where titleId in (select tconst from imdb_kept) and title is not null
