-- one row: the most recent refresh attempt recorded in this build's run history
select build_id, started_at, status, duration_seconds, message
from etl_runs order by started_at desc limit 1
