update profiles set name = $name where profile_id = $profile_id
