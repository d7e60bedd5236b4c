-- grain: one row per kept row of the uploaded file, streamed with COPY
copy profile_viewings (profile_id, item_key, row_number, watched_on, item_name, season,
                       episode, is_episode, show_id) from stdin
