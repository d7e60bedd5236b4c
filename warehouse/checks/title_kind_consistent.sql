-- Movies have a runtime and no seasons; shows have seasons and no runtime.
select show_id, kind, runtime_minutes, seasons
from titles
where (kind = 'movie' and seasons is not null)
   or (kind = 'show' and runtime_minutes is not null)
