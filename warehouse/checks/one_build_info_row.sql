-- build_info identifies the file: exactly one row.
select count(*) as rows from build_info having count(*) <> 1
