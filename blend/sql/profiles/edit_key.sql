select edit_key_sha256 from profiles where profile_id = $profile_id
