-- one row per IMDb-dataset title × person × character
select person_id, imdb_title_id, person_name, character, role from staging.src_imdb_credits
