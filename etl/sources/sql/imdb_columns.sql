-- The header of one IMDb dataset file: one row per column name, in file order.
select column_name
from (describe select * from read_csv($path, delim = '\t', header = true, quote = '',
                                      escape = '', all_varchar = true, sample_size = 1))
