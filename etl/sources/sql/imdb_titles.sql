-- One row per IMDb title of a kind the catalog can match (films and TV movies; series
-- and mini-series), adult titles left out. Every column as IMDb wrote it (text, \N null).
select tconst, titleType, primaryTitle, originalTitle, startYear, runtimeMinutes
from read_csv($path, delim = '\t', header = true, quote = '', escape = '',
              nullstr = '\N', all_varchar = true)
where titleType in ('movie', 'tvMovie', 'tvSeries', 'tvMiniSeries')
  and coalesce(isAdult, '0') = '0'
